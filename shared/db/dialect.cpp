#include "dialect.h"

#include <QLocale>
#include <QTimeZone>

namespace tf::db {

namespace {
const QString kSqliteTimestampFormat = QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz'Z'");
} // namespace

QString Dialect::name() const
{
    return isPostgres() ? QStringLiteral("postgres") : QStringLiteral("sqlite");
}

QString Dialect::quoteIdentifier(const QString &identifier) const
{
    QString escaped = identifier;
    escaped.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString Dialect::migrationsResourceDir() const
{
    return QStringLiteral(":/migrations/") + name();
}

QString Dialect::currentTimestampSql() const
{
    // SQLite's %f is "SS.SSS": the same fixed-width form toDb() writes.
    return isPostgres() ? QStringLiteral("CURRENT_TIMESTAMP")
                        : QStringLiteral("strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
}

QString Dialect::timestampType() const
{
    return isPostgres() ? QStringLiteral("TIMESTAMPTZ") : QStringLiteral("TEXT");
}

QVariant Dialect::toDb(const QDateTime &value) const
{
    if (!value.isValid())
        return isPostgres() ? nullOf(QMetaType::QDateTime) : nullOf(QMetaType::QString);
    const QDateTime utc = value.toUTC();
    if (isPostgres())
        return utc; // QPSQL sends it as TIMESTAMP WITH TIME ZONE '...Z'
    return QLocale::c().toString(utc, kSqliteTimestampFormat);
}

QDateTime Dialect::fromDb(const QVariant &value) const
{
    if (value.isNull() || !value.isValid())
        return {};
    QDateTime result;
    if (value.metaType().id() == QMetaType::QDateTime) {
        result = value.toDateTime();
    } else {
        const QString text = value.toString();
        result = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!result.isValid()) // e.g. SQLite's CURRENT_TIMESTAMP "yyyy-MM-dd HH:mm:ss"
            result = QDateTime::fromString(text, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        if (result.isValid() && result.timeSpec() == Qt::LocalTime)
            result.setTimeZone(QTimeZone::utc()); // stored values are UTC by contract
    }
    return result.isValid() ? result.toUTC() : QDateTime();
}

} // namespace tf::db
