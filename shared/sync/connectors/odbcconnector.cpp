#include "odbcconnector.h"

#include "core/errors.h"
#include "odbcchangetracking.h"
#include "odbccursorread.h"
#include "odbcsession.h"
#include "odbcstatestore.h"
#include "odbcvalues.h"
#include "sqlserverstatements.h"

namespace tf::sync {

using odbc::ColumnInfo;
using odbc::Dbms;

namespace {

constexpr int kKeysPerStatement = 200;

} // namespace

OdbcConnector::OdbcConnector(const SystemSettings &settings)
    : m_session(std::make_unique<odbc::Session>(odbc::Settings::parse(settings)))
    , m_sqlServer(m_session->settings().sqlServer)
{ }

OdbcConnector::~OdbcConnector()
{
    m_stateStore.reset(); // before the session it uses
    m_changeTracking.reset();
}

const odbc::Table &OdbcConnector::table(const QString &entity)
{
    auto it = m_tables.find(entity);
    if (it == m_tables.end())
        it = m_tables.insert(entity, odbc::readTable(*m_session, entity));
    return it.value();
}

odbc::StateStore &OdbcConnector::ownStateStore()
{
    if (!m_stateStore)
        m_stateStore = std::make_unique<odbc::StateStore>(*m_session);
    return *m_stateStore;
}

StateStore &OdbcConnector::stateStore()
{
    return ownStateStore();
}

EntityDescription OdbcConnector::describe(const QString &entity)
{
    return table(entity).description;
}

QStringList OdbcConnector::entities()
{
    return odbc::tableNames(*m_session);
}

bool OdbcConnector::hasUniqueKey(const QString &entity, const QStringList &columns)
{
    const QStringList key = table(entity).description.keyColumns;
    return QSet<QString>(key.begin(), key.end()) == QSet<QString>(columns.begin(), columns.end());
}

QList<ColumnInfo> OdbcConnector::keyColumns(const odbc::Table &t, const QStringList &requested) const
{
    return t.columnsNamed(requested.isEmpty() ? t.description.keyColumns : requested);
}

bool OdbcConnector::streamRows(const ReadRequest &request, const QStringList &order, const QString &where,
                               const QVariantList &values, const BatchSink &sink)
{
    const odbc::Table &t = table(request.entity);
    const odbc::Dialect &dialect = m_session->dialect();
    const QList<ColumnInfo> columns = t.columnsNamed(request.columns);
    const bool hashes = request.withSourceHashes && hashesAtSource();
    QList<Column> schemaColumns;
    for (const ColumnInfo &c : columns)
        schemaColumns << t.description.schema.at(t.description.schema.indexOf(c.name));
    const QList<int> readOrder = dialect.readOrder(columns);
    RowBatch batch { std::make_shared<const Schema>(schemaColumns), {}, {} };
    const int limit = qMax(1, request.batchSize);
    const QString sql = dialect.select(request.entity, columns, order, where,
                                       hashes ? sqlserver::hashExpression(dialect, columns) : QString());
    QSqlQuery query = m_session->run(sql, values, "reading rows");
    while (query.next()) {
        Row row(columns.size());
        for (int i = 0; i < readOrder.size(); ++i)
            row[readOrder.at(i)] = odbc::fromDriver(query.value(i), columns.at(readOrder.at(i)), request.entity);
        batch.rows << row;
        if (hashes)
            batch.hashes << query.value(int(columns.size())).toString().toLatin1();
        if (batch.rows.size() >= limit) {
            if (!sink(batch))
                return false;
            batch.rows.clear();
            batch.hashes.clear();
        }
    }
    return batch.rows.isEmpty() || sink(batch);
}

void OdbcConnector::readKeyHashes(const ReadRequest &request, const KeyHashSink &sink)
{
    if (!hashesAtSource())
        return SourceConnector::readKeyHashes(request, sink);
    const odbc::Table &t = table(request.entity);
    const odbc::Dialect &dialect = m_session->dialect();
    const QList<ColumnInfo> keys = keyColumns(t, request.keyColumns);
    const QString sql = sqlserver::hashPage(dialect, request.entity, t.columnsNamed(request.columns), keys);
    const int limit = qMax(1, request.batchSize);
    for (qint64 offset = 0;; offset += limit) {
        QList<KeyHash> batch;
        QSqlQuery query = m_session->run(sql, { offset, limit }, "hashing rows");
        while (query.next()) {
            KeyHash entry;
            for (int i = 0; i < keys.size(); ++i)
                entry.key << odbc::fromDriver(query.value(1 + i), keys.at(i), request.entity);
            entry.hash = query.value(0).toString().toLatin1();
            batch << entry;
        }
        if (!batch.isEmpty() && !sink(batch))
            return;
        if (batch.size() < limit)
            return;
    }
}

void OdbcConnector::readAll(const ReadRequest &request, const BatchSink &sink)
{
    const odbc::Table &t = table(request.entity);
    const odbc::Dialect &dialect = m_session->dialect();
    QStringList order;
    for (const ColumnInfo &key : keyColumns(t, request.keyColumns))
        order << dialect.quote(key.name);
    streamRows(request, order, {}, {}, sink);
}

void OdbcConnector::readByKeys(const ReadRequest &request, const QList<KeyValues> &keys, const BatchSink &sink)
{
    const odbc::Table &t = table(request.entity);
    const odbc::Dialect &dialect = m_session->dialect();
    const QList<ColumnInfo> keyInfos = keyColumns(t, request.keyColumns);
    if (keyInfos.isEmpty())
        throw Error(Error::Kind::Validation, QStringLiteral("reading '%1' by key needs key columns").arg(request.entity));
    const int perStatement = qMin<int>(kKeysPerStatement, dialect.maxParameters() / int(keyInfos.size()));
    for (qsizetype start = 0; start < keys.size(); start += perStatement) {
        const int count = int(qMin<qsizetype>(perStatement, keys.size() - start));
        QVariantList values;
        for (int k = 0; k < count; ++k) {
            const KeyValues &key = keys.at(start + k);
            if (key.size() != keyInfos.size())
                throw Error(Error::Kind::Validation, QStringLiteral("a key of '%1' has %2 values for %3 key columns")
                                                         .arg(request.entity).arg(key.size()).arg(keyInfos.size()));
            for (int i = 0; i < key.size(); ++i)
                values << odbc::toParameter(key.at(i), keyInfos.at(i).type, dialect.dbms());
        }
        if (!streamRows(request, {}, dialect.keyMatch(keyInfos, count), values, sink))
            return;
    }
}

CursorHorizon OdbcConnector::cursorHorizon(const QString &entity, const QString &cursorColumn)
{
    const ColumnInfo &cursor = table(entity).column(cursorColumn);
    const Dbms dbms = m_session->dialect().dbms();
    if (dbms == Dbms::SQLite)
        return {}; // one writer at a time: a read sees every committed row
    if (odbc::isRowversion(m_session->dialect(), cursor))
        return {}; // readSince stops below MIN_ACTIVE_ROWVERSION(): every row it returns is settled
    if (dbms != Dbms::PostgreSQL)
        return CursorHorizon { CursorHorizon::Kind::Hold, {} };
    // Another session's open transaction may still commit rows stamped from its start on.
    const bool utc = cursor.type == ValueType::TimestampTz;
    QSqlQuery query = m_session->run(
        QStringLiteral("SELECT to_char(COALESCE(MIN(xact_start), now())%1, 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), COUNT(xact_start) "
                       "FROM pg_stat_activity WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid()")
            .arg(utc ? QStringLiteral(" AT TIME ZONE 'UTC'") : QString()),
        {}, "asking for open transactions");
    query.next();
    if (cursor.type != ValueType::Timestamp && cursor.type != ValueType::TimestampTz && cursor.type != ValueType::Date)
        return query.value(1).toLongLong() > 0 ? CursorHorizon { CursorHorizon::Kind::Hold, {} } : CursorHorizon {};
    QVariant value;
    QString error;
    const QString text = query.value(0).toString() + (utc ? QStringLiteral("Z") : QString());
    if (!coerceValue(cursor.type == ValueType::Date ? text.left(10) : text, cursor.type, &value, &error))
        return CursorHorizon { CursorHorizon::Kind::Hold, {} };
    return CursorHorizon { CursorHorizon::Kind::Below, value };
}

void OdbcConnector::readSince(const ReadRequest &request, const QString &cursorColumn, const std::optional<Checkpoint> &after,
                              const BatchSink &sink)
{
    const odbc::Table &t = table(request.entity);
    const odbc::CursorRead read = odbc::cursorRead(m_session->dialect(), t.column(cursorColumn), keyColumns(t, request.keyColumns), after);
    streamRows(request, read.order, read.where, read.values, sink);
}

void OdbcConnector::setChangeTrackingQueries(std::unique_ptr<odbc::ChangeTrackingQueries> queries)
{
    m_changeTracking = std::move(queries);
}

odbc::ChangeTrackingQueries &OdbcConnector::changeTracking(const QString &entity)
{
    if (!m_changeTracking) {
        if (!m_sqlServer)
            throw Error(Error::Kind::Validation,
                        QStringLiteral("'%1': cursor kind change_tracking needs a sqlserver system (SQL Server Change "
                                       "Tracking); this one is kind odbc")
                            .arg(entity));
        m_changeTracking = std::make_unique<odbc::SqlServerChangeTracking>(*m_session);
    }
    return *m_changeTracking;
}

ChangeLogStart OdbcConnector::startChangeLog(const QString &entity, const std::optional<qint64> &stored)
{
    table(entity); // NotFound naming it first
    return odbc::startChangeLog(changeTracking(entity), entity, stored);
}

void OdbcConnector::readChangeLog(const ReadRequest &request, qint64 since, const ChangeLogSink &sink)
{
    const odbc::Table &t = table(request.entity);
    odbc::readChangeLog(changeTracking(request.entity), m_session->dialect(), t, request,
                        keyColumns(t, request.keyColumns), since, sink);
}

bool OdbcConnector::isEmpty(const QString &entity)
{
    table(entity);
    const odbc::Dialect &dialect = m_session->dialect();
    QSqlQuery query = m_session->run(dialect.firstRows(QStringLiteral("SELECT 1 FROM %1 ORDER BY 1").arg(dialect.quote(entity))),
                                     { 1 }, "checking whether a table is empty");
    return !query.next();
}

QSet<QString> OdbcConnector::existingValues(const QString &entity, const QString &column, ValueType type,
                                            const QList<QVariant> &values)
{
    const odbc::Table &t = table(entity);
    const ColumnInfo &info = t.column(column);
    const odbc::Dialect &dialect = m_session->dialect();
    QVariantList wanted;
    for (const QVariant &value : values) {
        if (!value.isNull() && value.isValid())
            wanted << odbc::toParameter(value, type, dialect.dbms());
    }
    QSet<QString> found;
    for (qsizetype start = 0; start < wanted.size(); start += kKeysPerStatement) {
        const int count = int(qMin<qsizetype>(kKeysPerStatement, wanted.size() - start));
        QSqlQuery query = m_session->run(QStringLiteral("SELECT DISTINCT %1 FROM %2 WHERE %3 IN (%4)")
                                             .arg(dialect.readExpression(info), dialect.quote(entity), dialect.quote(column),
                                                  QStringList(count, dialect.parameter(info)).join(QStringLiteral(", "))),
                                         wanted.mid(start, count), "looking up referenced values");
        while (query.next()) {
            const QVariant value = odbc::fromDriver(query.value(0), info, entity);
            if (!unreadableOf(value))
                found.insert(QString::fromUtf8(canonicalValue(value, type)));
        }
    }
    return found;
}

} // namespace tf::sync
