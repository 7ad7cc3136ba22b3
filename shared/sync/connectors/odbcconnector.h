#pragma once

#include "odbccatalog.h"
#include "sync/connector.h"

#include <QHash>
#include <QSqlQuery>

#include <memory>

namespace tf::sync {

namespace odbc {
class ChangeTrackingQueries;
class Session;
class StateStore;
} // namespace odbc

// Any ODBC data source (`kind: odbc`), and SQL Server through FreeTDS (`kind: sqlserver`), as
// source and target, through QODBC. docs/connectors/odbc.md and sqlserver.md describe
// settings, modes, the type mapping and the limits.
//
// Reading: one forward-only statement per read, ordered by key (by cursor, then key, for
// cursor reads), streamed in batches; decimals with QSql::HighPrecision as text; timestamps as
// the database's text (odbc::Dialect::readExpression). Hash mode hashes the rows read (the
// engine's rowHash): unchanged rows are read but never written.
//
// Writing: one transaction per batch: set-based upserts (INSERT ... ON CONFLICT on PostgreSQL
// and SQLite, MERGE on SQL Server, DELETE then INSERT elsewhere) in statements of as many rows
// as the parameter limit allows, deletes by key, and the sync state (tf_odbc_sync_state,
// tf_odbc_sync_checkpoint in the target itself).
class OdbcConnector final : public SourceConnector, public TargetConnector
{
    Q_DISABLE_COPY_MOVE(OdbcConnector)
public:
    // Throws tf::Error(Validation) naming a bad setting; connects on first use.
    explicit OdbcConnector(const SystemSettings &settings);
    ~OdbcConnector() override;

    EntityDescription describe(const QString &entity) override;
    QStringList entities() override;

    void readAll(const ReadRequest &request, const BatchSink &sink) override;
    // SQL Server hashes on the server (HASHBYTES('MD5', ...), sqlserverstatements.h); other
    // databases' rows are hashed by the engine.
    bool hashesAtSource() const override { return m_sqlServer; }
    void readKeyHashes(const ReadRequest &request, const KeyHashSink &sink) override;
    void readByKeys(const ReadRequest &request, const QList<KeyValues> &keys, const BatchSink &sink) override;
    // None for SQLite and for a SQL Server rowversion cursor (the read itself stops below
    // MIN_ACTIVE_ROWVERSION(), odbccursorread.h); below the oldest open transaction's start on
    // PostgreSQL; held where the database cannot say which transactions are open.
    CursorHorizon cursorHorizon(const QString &entity, const QString &cursorColumn) override;
    void readSince(const ReadRequest &request, const QString &cursorColumn, const std::optional<Checkpoint> &after,
                   const BatchSink &sink) override;

    // Cursor kind change_tracking (SQL Server Change Tracking, odbcchangetracking.h): sqlserver
    // systems only, unless a test put its own queries in (setChangeTrackingQueries).
    ChangeLogStart startChangeLog(const QString &entity, const std::optional<qint64> &stored) override;
    void readChangeLog(const ReadRequest &request, qint64 since, const ChangeLogSink &sink) override;
    // The seam for tests: the Change Tracking statements answered by `queries` instead of SQL
    // Server (which cannot run here); everything else stays this connector's own.
    void setChangeTrackingQueries(std::unique_ptr<odbc::ChangeTrackingQueries> queries);

    bool isTransactional() const override { return true; }
    void apply(const ChangeBatch &batch) override;
    bool isEmpty(const QString &entity) override;
    StateStore &stateStore() override;
    bool hasUniqueKey(const QString &entity, const QStringList &columns) override;
    QSet<QString> existingValues(const QString &entity, const QString &column, ValueType type,
                                 const QList<QVariant> &values) override;

    // For cdc (cdc::OdbcCdcTarget), on the same connection and with the same binding as
    // apply(), inside the caller's open transaction: the session, a table as described,
    // apply()'s upsert half (MERGE, INSERT ... ON CONFLICT, or DELETE then INSERT) and its
    // batched delete by key (rows deleted).
    odbc::Session &session() { return *m_session; }
    const odbc::Table &table(const QString &entity);
    void writeUpserts(const ChangeBatch &batch);
    qint64 deleteKeys(const odbc::Table &table, const QList<odbc::ColumnInfo> &keys, const QList<KeyValues> &deletes);

private:
    odbc::StateStore &ownStateStore();
    odbc::ChangeTrackingQueries &changeTracking(const QString &entity);
    QList<odbc::ColumnInfo> keyColumns(const odbc::Table &table, const QStringList &requested) const;
    // Runs the select of `columns` (Dialect::select, with the server's row hash last when the
    // request wants source hashes) and streams its rows as batches.
    bool streamRows(const ReadRequest &request, const QStringList &order, const QString &where, const QVariantList &values,
                    const BatchSink &sink);
    void writeRows(const odbc::Table &table, const ChangeBatch &batch);

    std::unique_ptr<odbc::Session> m_session;
    std::unique_ptr<odbc::StateStore> m_stateStore;
    std::unique_ptr<odbc::ChangeTrackingQueries> m_changeTracking;
    QHash<QString, odbc::Table> m_tables;
    bool m_sqlServer = false;
};

} // namespace tf::sync
