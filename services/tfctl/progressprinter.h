#pragma once

#include "sync/engine/runtypes.h"

#include <QElapsedTimer>

#include <cstdio>

namespace tf::tfctl {

// Prints one progress line per batch (at most every 250 ms, always the last of an entity):
//   [   1.2s] property (1/4)  42.0%  read 5000  +4990 ~0 -0 =0  quarantined 10  eta 1m05s
// (the ETA once some of the run is done, at its rate so far)
class ProgressPrinter final
{
public:
    // stream: stdout for people; stderr when stdout carries JSON (--json).
    explicit ProgressPrinter(std::FILE *stream = stdout);
    void operator()(const sync::RunProgress &progress);
    void summary(const sync::RunResult &result) const;

private:
    QElapsedTimer m_clock;
    qint64 m_lastPrintMs = -1000;
    QString m_lastEntity;
    std::FILE *m_stream;
};

} // namespace tf::tfctl
