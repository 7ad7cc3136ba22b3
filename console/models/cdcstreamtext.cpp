#include "cdcstreamtext.h"

#include "durationtext.h"

#include <QCoreApplication>
#include <QLocale>
#include <QStringList>

namespace tf::console {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("CdcStream", text);
}

QString bytes(qint64 value)
{
    return QLocale().formattedDataSize(value, 1, QLocale::DataSizeTraditionalFormat);
}

QString milliseconds(const QJsonValue &value)
{
    return value.isDouble() ? durationText(qRound64(value.toDouble())) : tr("n/a");
}

} // namespace

qint64 cdcStreamLagBytes(const QJsonObject &cdc)
{
    const QJsonValue lag = cdc.value(QLatin1String("lag_bytes"));
    return lag.isDouble() ? lag.toInteger() : -1;
}

QString cdcStreamText(const QJsonObject &cdc)
{
    if (cdc.isEmpty())
        return {};
    QStringList parts { cdc.value(QLatin1String("streaming")).toBool() ? tr("streaming") : tr("stopped") };
    const qint64 lag = cdcStreamLagBytes(cdc);
    if (lag >= 0)
        parts << tr("lag %1").arg(bytes(lag));
    const QJsonValue p50 = cdc.value(QLatin1String("latency_p50_ms"));
    if (p50.isDouble())
        parts << tr("p50 %1").arg(milliseconds(p50));
    const QString walStatus = cdc.value(QLatin1String("wal_status")).toString();
    if (walStatus == QLatin1String("unreserved") || walStatus == QLatin1String("lost"))
        parts << tr("WAL %1").arg(walStatus);
    return parts.join(QStringLiteral(" · "));
}

QString cdcStreamToolTip(const QJsonObject &cdc)
{
    if (cdc.isEmpty())
        return {};
    const auto text = [&cdc](const char *key) {
        const QJsonValue value = cdc.value(QLatin1String(key));
        if (value.isDouble())
            return QString::number(value.toInteger());
        return value.isString() ? value.toString() : tr("n/a");
    };
    const qint64 lag = cdcStreamLagBytes(cdc);
    return tr("Operation %1, reported %2\nApplied up to %3 (%4 source transactions)\n"
              "Lag %5, wal_status %6\nCommit-to-apply latency: last %7, p50 %8, p99 %9, max %10")
        .arg(text("operation_id"), text("reported_at"), text("applied_lsn"), text("transactions"),
             lag >= 0 ? bytes(lag) : tr("n/a"), text("wal_status"),
             milliseconds(cdc.value(QLatin1String("latency_last_ms"))),
             milliseconds(cdc.value(QLatin1String("latency_p50_ms"))),
             milliseconds(cdc.value(QLatin1String("latency_p99_ms"))))
        .arg(milliseconds(cdc.value(QLatin1String("latency_max_ms"))));
}

bool cdcStreamNeedsAttention(const QJsonObject &cdc)
{
    if (cdc.isEmpty())
        return false;
    const QString walStatus = cdc.value(QLatin1String("wal_status")).toString();
    return !cdc.value(QLatin1String("streaming")).toBool() || walStatus == QLatin1String("unreserved")
        || walStatus == QLatin1String("lost");
}

} // namespace tf::console
