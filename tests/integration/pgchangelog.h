// The one fake of tst_changetracking, at the odbc::ChangeTrackingQueries seam: SQL Server's
// three Change Tracking statements answered from a change log (table ct_log: tbl, id, op,
// version) that the test's triggers keep on the source table in PostgreSQL, read over the same
// psqlODBC session the connector uses.
#pragma once

#include "sync/connectors/odbcchangetracking.h"
#include "sync/connectors/odbcsession.h"

#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

#include <functional>
#include <utility>

namespace tf::test {

// The fake at the seam: CHANGE_TRACKING_CURRENT_VERSION() is the newest logged version,
// CHANGE_TRACKING_MIN_VALID_VERSION() what the test sets (its clean-up), and the changes are
// the last logged change of each key after `since`, LEFT JOINed to the table as it is now.
class PgChangeLog final : public sync::odbc::ChangeTrackingQueries
{
public:
    explicit PgChangeLog(const sync::SystemSettings &settings)
        : m_session(sync::odbc::Settings::parse(settings))
    { }

    QVariant currentVersion() override
    {
        m_calls << QStringLiteral("current");
        if (!databaseEnabled)
            return {};
        QSqlQuery query = m_session.run(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM ct_log"), {}, "reading the fake log");
        query.next();
        const QVariant version = query.value(0);
        if (afterCurrentVersion)
            std::exchange(afterCurrentVersion, {})();
        return version;
    }
    QVariant minValidVersion(const QString &table) override
    {
        m_calls << QStringLiteral("min_valid %1").arg(table);
        if (!tableEnabled)
            return {};
        return QVariant(minValid);
    }
    QSqlQuery changes(const QString &table, const QList<sync::odbc::ColumnInfo> &columns,
                      const QList<sync::odbc::ColumnInfo> &keys, qint64 since) override
    {
        m_calls << QStringLiteral("changes %1 %2").arg(table).arg(since);
        const sync::odbc::Dialect &d = m_session.dialect();
        Q_ASSERT(keys.size() == 1 && keys.first().name == QStringLiteral("id")); // the test tables' key
        const auto aliased = [&](const sync::odbc::ColumnInfo &c, const QString &alias) {
            return d.readExpression(c).replace(d.quote(c.name), alias + d.quote(c.name));
        };
        QStringList select { QStringLiteral("l.op"), QStringLiteral("l.version"), aliased(keys.first(), QStringLiteral("l.")) };
        for (int index : d.readOrder(columns))
            select << aliased(columns.at(index), QStringLiteral("t."));
        return m_session.run(QStringLiteral("SELECT %1 FROM (SELECT DISTINCT ON (id) id, op, version FROM ct_log WHERE tbl = ? AND version > ? "
                             "ORDER BY id, version DESC) AS l LEFT JOIN %2 AS t ON t.%3 = l.id ORDER BY l.version, l.id")
                                 .arg(select.join(QStringLiteral(", ")), d.quote(table), d.quote(keys.first().name)),
                             { table, since }, "reading the fake log");
    }

    QStringList takeCalls() { return std::exchange(m_calls, {}); }

    bool databaseEnabled = true;
    bool tableEnabled = true;
    qint64 minValid = 0;
    std::function<void()> afterCurrentVersion; // once, right after the version is read

private:
    sync::odbc::Session m_session;
    QStringList m_calls;
};

} // namespace tf::test
