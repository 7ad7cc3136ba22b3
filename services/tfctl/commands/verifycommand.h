#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl verify <pair> [--entity E] [--repair] [--json]: compares a pair's target with its
// source (sync/verify/verifyrunner.h). Exit 0: no differences (or none left after --repair);
// 3: differences found; 1: the verify failed; 2: bad input or a run holds the pair.
int runVerifyCommand(const QStringList &arguments);

} // namespace tf::tfctl
