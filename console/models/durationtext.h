#pragma once

#include <QString>

namespace tf::console {

// A duration as a person reads it in a table cell: "850 ms", "12.4 s", "3 min 5 s", "2 h 10 min".
QString durationText(qint64 milliseconds);

} // namespace tf::console
