#pragma once

namespace tf {

// Seconds left of a job `percentDone` % done after `elapsedSeconds`, at its rate so far; -1
// when nothing is done yet (no rate to go by), 0 once it is done. Used by the engine's progress
// (tfctl's lines) and the operation JSON (eta_s), so both say the same.
inline double remainingSeconds(double elapsedSeconds, double percentDone)
{
    if (percentDone <= 0 || elapsedSeconds < 0)
        return -1;
    if (percentDone >= 100)
        return 0;
    return elapsedSeconds * (100.0 - percentDone) / percentDone;
}

} // namespace tf
