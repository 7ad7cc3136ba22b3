#include "durationtext.h"

#include <QCoreApplication>

namespace tf::console {

QString durationText(qint64 ms)
{
    if (ms < 0)
        return {};
    if (ms < 1000)
        return QCoreApplication::translate("DurationText", "%1 ms").arg(ms);
    if (ms < 60'000)
        return QCoreApplication::translate("DurationText", "%1 s")
            .arg(QString::number(double(ms) / 1000.0, 'f', 1));
    const qint64 s = ms / 1000;
    if (s < 3600)
        return QCoreApplication::translate("DurationText", "%1 min %2 s").arg(s / 60).arg(s % 60);
    if (s < 86400)
        return QCoreApplication::translate("DurationText", "%1 h %2 min")
            .arg(s / 3600)
            .arg((s % 3600) / 60);
    return QCoreApplication::translate("DurationText", "%1 d %2 h")
        .arg(s / 86400)
        .arg((s % 86400) / 3600);
}

} // namespace tf::console
