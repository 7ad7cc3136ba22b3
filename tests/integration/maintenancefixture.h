#pragma once

// Shared by the maintenance tests: a control database per backend, SQL seeding with bound
// values, and the pieces of a report the tests read.
#include "db/connection.h"
#include "db/controldatabase.h"
#include "testsupport.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTest>
#include <QVariant>
#include <memory>

namespace tf::test::maintenance {

inline void backends()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgres") << QStringLiteral("postgres");
}

// A scratch control database for the current data row: SQLite in dataDir, or a new
// PostgreSQL database. Empty URL when PostgreSQL is not configured.
inline QString databaseUrl(const QString &backend, const QString &dataDir)
{
    if (backend == QLatin1String("sqlite"))
        return QStringLiteral("sqlite://") + dataDir + QStringLiteral("/terrafusion.db");
    return createScratchPostgresDatabase(QStringLiteral("tfmaint"));
}

inline void exec(db::Database &database, const QString &sql, const QVariantList &values = {})
{
    QSqlQuery query = database.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    database.exec(query, "seeding");
    query.finish();
}

inline qint64 scalar(db::Database &database, const QString &sql, const QVariantList &values = {})
{
    QSqlQuery query = database.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    database.exec(query, "reading");
    const qint64 result = query.next() ? query.value(0).toLongLong() : -1;
    query.finish();
    return result;
}

inline QVariant at(db::Database &database, const QDateTime &time)
{
    return database.dialect().toDb(time.toUTC());
}

inline QJsonObject step(const QJsonObject &report, const QString &name)
{
    for (const QJsonValue &value : report.value(QStringLiteral("steps")).toArray()) {
        if (value.toObject().value(QStringLiteral("name")).toString() == name)
            return value.toObject();
    }
    return {};
}

inline QStringList findingCodes(const QJsonObject &stepOrReport)
{
    QStringList codes;
    for (const QJsonValue &value : stepOrReport.value(QStringLiteral("findings")).toArray())
        codes << value.toObject().value(QStringLiteral("code")).toString();
    return codes;
}

} // namespace tf::test::maintenance
