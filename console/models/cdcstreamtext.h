#pragma once

#include <QJsonObject>
#include <QString>

namespace tf::console {

// What the sync pairs table shows of a cdc pair's stream (the pair detail's `cdc` object):
// "streaming · lag 12.0 kB · p50 40 ms", with every figure in the tooltip; empty for a pair
// without one (another mode, or the list before its detail arrived).
QString cdcStreamText(const QJsonObject &cdc);
QString cdcStreamToolTip(const QJsonObject &cdc);
// Not streaming, or a slot whose WAL is no longer reserved.
bool cdcStreamNeedsAttention(const QJsonObject &cdc);
qint64 cdcStreamLagBytes(const QJsonObject &cdc); // -1 unknown: the sort value

} // namespace tf::console
