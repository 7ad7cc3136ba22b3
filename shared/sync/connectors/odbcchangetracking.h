#pragma once

#include "odbccatalog.h"

#include <QSqlQuery>

#include <optional>

namespace tf::sync::odbc {

class Session;

// The three statements of a SQL Server Change Tracking read, behind one small interface: the
// seam where tests put a fake (no SQL Server runs here), while everything around them (the
// versions' checks, the rows' conversion, the batches) is the connector's own code.
class ChangeTrackingQueries
{
public:
    virtual ~ChangeTrackingQueries() = default;
    // CHANGE_TRACKING_CURRENT_VERSION(): NULL when Change Tracking is off for the database.
    virtual QVariant currentVersion() = 0;
    // CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID(table)): NULL when it is off for the table.
    virtual QVariant minValidVersion(const QString &table) = 0;
    // The changes after `since`, executed and ready to step through, with the columns of
    // sqlserver::changeTrackingChanges: SYS_CHANGE_OPERATION, SYS_CHANGE_VERSION, the key
    // columns from CHANGETABLE, then `columns` (LEFT JOINed) in Dialect::readOrder(columns).
    virtual QSqlQuery changes(const QString &table, const QList<ColumnInfo> &columns,
                              const QList<ColumnInfo> &keys, qint64 since) = 0;
};

// The real thing: sqlserverstatements.h's statements over the connector's QODBC session.
class SqlServerChangeTracking final : public ChangeTrackingQueries
{
public:
    explicit SqlServerChangeTracking(Session &session)
        : m_session(session)
    { }

    QVariant currentVersion() override;
    QVariant minValidVersion(const QString &table) override;
    QSqlQuery changes(const QString &table, const QList<ColumnInfo> &columns, const QList<ColumnInfo> &keys,
                      qint64 since) override;

private:
    Session &m_session;
};

// The run's start (SourceConnector::startChangeLog): the current version first, then the
// table's oldest valid one. Throws tf::Error(Validation) when Change Tracking is off for the
// database or the table, saying how to turn it on.
ChangeLogStart startChangeLog(ChangeTrackingQueries &queries, const QString &table, const std::optional<qint64> &stored);

// Streams the changes after `since` (SourceConnector::readChangeLog) as batches of at most
// request.batchSize changes: rows of operation I or U as `columns`, D as keys. A row the log
// calls changed that the join no longer finds (deleted since) is a delete too.
void readChangeLog(ChangeTrackingQueries &queries, const Dialect &dialect, const Table &table,
                   const ReadRequest &request, const QList<ColumnInfo> &keys, qint64 since,
                   const ChangeLogSink &sink);

} // namespace tf::sync::odbc
