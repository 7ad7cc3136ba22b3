#pragma once

#include <QString>

namespace tf::tfctl {

// The end of `tfctl <command> --help`: examples (each a line starting "  tfctl <command>")
// and the documentation section to read. One table for every command, so that no command is
// left without and no two say the same; tst_tfctl_help checks both.
QString commandHelp(const QString &program);

} // namespace tf::tfctl
