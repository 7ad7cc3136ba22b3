#include "sqliteconnector.h"

#include "controldbstatestore.h"
#include "core/errors.h"
#include "db/connection.h"
#include "sqlitebatchwriter.h"

#include <QDir>
#include <cmath>
#include <QFileInfo>
#include <QSqlQuery>

namespace tf::sync {

namespace {

// Keys per readByKeys / existingValues statement: 500 x 2 key columns stays far below
// SQLite's 32766 parameters and lets the planner probe the key index once per key.
constexpr int kKeysPerStatement = 500;

QString quote(const db::Database &database, const QString &name)
{
    return database.dialect().quoteIdentifier(name);
}

QString quotedList(const db::Database &database, const QStringList &names)
{
    QStringList quoted;
    for (const QString &name : names)
        quoted << quote(database, name);
    return quoted.join(QStringLiteral(", "));
}

QString parameterTuple(int count)
{
    return QLatin1Char('(') + QStringLiteral("?, ").repeated(count).chopped(2) + QLatin1Char(')');
}

SchemaPtr selectedSchema(const sqlite::Table &table, const QStringList &columns)
{
    const Schema &all = table.description.schema;
    if (columns.isEmpty())
        return std::make_shared<const Schema>(all);
    QList<Column> selected;
    for (int index : all.indexesOf(columns))
        selected << all.at(index);
    return std::make_shared<const Schema>(selected);
}

QStringList orderColumns(const sqlite::Table &table, const ReadRequest &request)
{
    const QStringList order = request.keyColumns.isEmpty() ? table.description.keyColumns : request.keyColumns;
    table.description.schema.indexesOf(order); // throws naming an unknown column
    return order;
}

QList<ValueType> typesOf(const sqlite::Table &table, const QStringList &columns)
{
    QList<ValueType> types;
    for (int index : table.description.schema.indexesOf(columns))
        types << table.description.schema.at(index).type;
    return types;
}

} // namespace

SqliteConnector::SqliteConnector(const SystemSettings &settings)
    : m_path(settings.settings.value(QStringLiteral("path")).toString())
{
    if (m_path.isEmpty() || !QDir::isAbsolutePath(m_path)) {
        throw Error(Error::Kind::Validation,
                    m_path.isEmpty() ? QStringLiteral("SQLite settings need \"path\": the database file's absolute path")
                                     : QStringLiteral("SQLite \"path\" must be absolute, not '%1'").arg(m_path),
                    QJsonObject { { QStringLiteral("field"), QStringLiteral("path") } });
    }
    db::DatabaseUrl url;
    url.backend = db::DatabaseUrl::Backend::Sqlite;
    url.sqlitePath = QDir::cleanPath(m_path);
    m_database = std::make_unique<db::Database>(url);
}

SqliteConnector::~SqliteConnector()
{
    m_stateStore.reset(); // before the database it uses
}

const db::Database &SqliteConnector::database()
{
    if (!QFileInfo(m_path).isFile()) {
        throw Error(Error::Kind::Unavailable, QStringLiteral("SQLite database file %1 does not exist").arg(m_path),
                    QJsonObject { { QStringLiteral("path"), m_path } });
    }
    return *m_database;
}

const sqlite::Table &SqliteConnector::table(const QString &entity)
{
    auto it = m_tables.find(entity);
    if (it == m_tables.end())
        it = m_tables.insert(entity, sqlite::readTable(database(), entity));
    return it.value();
}

EntityDescription SqliteConnector::describe(const QString &entity)
{
    return table(entity).description;
}

bool SqliteConnector::hasUniqueKey(const QString &entity, const QStringList &columns)
{
    return table(entity).hasUniqueKey(columns);
}

QStringList SqliteConnector::entities()
{
    return sqlite::tableNames(database());
}

bool SqliteConnector::stream(QSqlQuery &query, const QString &entity, const SchemaPtr &schema, int batchSize,
                             const BatchSink &sink)
{
    const int size = schema->size();
    const int limit = qMax(1, batchSize);
    RowBatch batch { schema, {}, {} };
    batch.rows.reserve(limit);
    while (query.next()) {
        Row row;
        row.reserve(size);
        for (int i = 0; i < size; ++i) {
            QVariant value;
            QString error;
            if (!sqlite::fromStored(query.value(i), schema->at(i).type, &value, &error)) {
                // One bad value costs its row (quarantined by the engine), not the table's read.
                value = unreadableValue(query.value(i).toString(), QStringLiteral("table '%1': %2").arg(entity, error));
            }
            row << value;
        }
        batch.rows << row;
        if (batch.rows.size() >= limit) {
            if (!sink(batch))
                return false;
            batch.rows.clear();
        }
    }
    return batch.rows.isEmpty() || sink(batch);
}

namespace {

// Key columns as SQL expressions. A UUID key is compared in its canonical form (lower case,
// no braces), since that is how the row model carries it: a legacy table holding
// "{9F0C...}" must still be found, and ordered, by the key the engine knows.
QString keyExpressions(const db::Database &db, const sqlite::Table &t, const QStringList &columns)
{
    QStringList expressions;
    const QList<ValueType> types = typesOf(t, columns);
    for (int i = 0; i < columns.size(); ++i) {
        const QString column = quote(db, columns.at(i));
        expressions << (types.at(i) == ValueType::Uuid ? QStringLiteral("lower(trim(%1, '{}'))").arg(column) : column);
    }
    return expressions.join(QStringLiteral(", "));
}

// The cursor as an SQL expression and the checkpoint value bound against it. Date and time
// cursors are compared in one normal form ('YYYY-MM-DDTHH:MM:SS.SSS', UTC), because legacy
// tables store them in other spellings ("2024-05-01 13:00:00.000"), and as text a space
// sorts before 'T': rows changed later on the checkpoint's day would never be read.
QString cursorExpression(const QString &quotedColumn, ValueType type)
{
    switch (type) {
    case ValueType::Timestamp:
    case ValueType::TimestampTz:
        return QStringLiteral("strftime('%Y-%m-%dT%H:%M:%f', %1)").arg(quotedColumn);
    case ValueType::Date:
        return QStringLiteral("date(%1)").arg(quotedColumn);
    default:
        return quotedColumn;
    }
}

QVariant cursorBound(const QVariant &value, ValueType type)
{
    switch (type) {
    case ValueType::Timestamp:
    case ValueType::TimestampTz: {
        // strftime's %f has milliseconds: both sides of the comparison are cut the same way.
        const TimeValue time = timeValueOf(value, type);
        const QDateTime dateTime = time.toQDateTime();
        return dateTime.isValid() ? dateTime.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz"))
                                  : time.toString();
    }
    case ValueType::Date:
        return timeValueOf(value, type).toString();
    default:
        return sqlite::toStored(value, type);
    }
}

} // namespace

void SqliteConnector::readAll(const ReadRequest &request, const BatchSink &sink)
{
    const sqlite::Table &t = table(request.entity);
    const SchemaPtr schema = selectedSchema(t, request.columns);
    const QStringList order = orderColumns(t, request);
    const db::Database &db = database();
    QString sql = QStringLiteral("SELECT %1 FROM %2").arg(quotedList(db, schema->names()), quote(db, request.entity));
    if (!order.isEmpty())
        sql += QStringLiteral(" ORDER BY ") + keyExpressions(db, t, order);
    QSqlQuery query(db.connection());
    query.setForwardOnly(true); // QSQLITE keeps no row cache then: memory stays flat
    if (!query.prepare(sql))
        db.raise(query, "preparing a read");
    db.exec(query, "reading a table");
    stream(query, request.entity, schema, request.batchSize, sink);
}

void SqliteConnector::readByKeys(const ReadRequest &request, const QList<KeyValues> &keys, const BatchSink &sink)
{
    const sqlite::Table &t = table(request.entity);
    const SchemaPtr schema = selectedSchema(t, request.columns);
    const QStringList keyColumns = request.keyColumns.isEmpty() ? t.description.keyColumns : request.keyColumns;
    if (keyColumns.isEmpty())
        throw Error(Error::Kind::Validation, QStringLiteral("reading '%1' by key needs key columns").arg(request.entity));
    const QList<ValueType> keyTypes = typesOf(t, keyColumns);
    const int width = int(keyColumns.size());
    const db::Database &db = database();
    const QString head = QStringLiteral("SELECT %1 FROM %2 WHERE ").arg(quotedList(db, schema->names()), quote(db, request.entity));
    const auto sqlFor = [&](int count) -> QString {
        if (width == 1)
            return head + keyExpressions(db, t, keyColumns) + QStringLiteral(" IN ") + parameterTuple(count);
        QStringList tuples(count, parameterTuple(width));
        return head + QLatin1Char('(') + keyExpressions(db, t, keyColumns) + QStringLiteral(") IN (VALUES ")
            + tuples.join(QStringLiteral(", ")) + QLatin1Char(')');
    };
    std::optional<QSqlQuery> full;
    for (qsizetype start = 0; start < keys.size(); start += kKeysPerStatement) {
        const int count = int(qMin<qsizetype>(kKeysPerStatement, keys.size() - start));
        std::optional<QSqlQuery> partial;
        if (count == kKeysPerStatement && !full)
            full = db.prepare(sqlFor(count));
        else if (count != kKeysPerStatement)
            partial = db.prepare(sqlFor(count));
        QSqlQuery &query = partial ? *partial : *full;
        query.setForwardOnly(true);
        for (int k = 0; k < count; ++k) {
            const KeyValues &key = keys.at(start + k);
            if (key.size() != width)
                throw Error(Error::Kind::Validation, QStringLiteral("a key of '%1' has %2 values for %3 key columns")
                                                         .arg(request.entity).arg(key.size()).arg(width));
            for (int i = 0; i < width; ++i)
                query.bindValue(k * width + i, sqlite::toStored(key.at(i), keyTypes.at(i)));
        }
        db.exec(query, "reading rows by key");
        const bool more = stream(query, request.entity, schema, request.batchSize, sink);
        query.finish();
        if (!more)
            return;
    }
}

void SqliteConnector::readSince(const ReadRequest &request, const QString &cursorColumn,
                                const std::optional<Checkpoint> &after, const BatchSink &sink)
{
    const sqlite::Table &t = table(request.entity);
    const SchemaPtr schema = selectedSchema(t, request.columns);
    const QStringList keyColumns = orderColumns(t, request);
    const QList<ValueType> keyTypes = typesOf(t, keyColumns);
    const ValueType cursorType = typesOf(t, { cursorColumn }).first();
    const db::Database &db = database();

    QString sql = QStringLiteral("SELECT %1 FROM %2").arg(quotedList(db, schema->names()), quote(db, request.entity));
    QVariantList bound;
    if (after) {
        if (!after->key.isEmpty() && after->key.size() != keyColumns.size())
            throw Error(Error::Kind::Validation, QStringLiteral("the checkpoint of '%1' has %2 key values for %3 key columns")
                                                     .arg(request.entity).arg(after->key.size()).arg(keyColumns.size()));
        QVariantList keyValues;
        for (int i = 0; i < after->key.size(); ++i)
            keyValues << sqlite::toStored(after->key.at(i), keyTypes.at(i));
        const QStringList usedKeys = keyColumns.mid(0, keyValues.size());
        const QString cursor = cursorExpression(quote(db, cursorColumn), cursorType);
        if (after->cursor.isNull() || !after->cursor.isValid()) {
            // NULL sorts first and compares to nothing: continue among the NULLs by key.
            sql += QStringLiteral(" WHERE %1 IS NOT NULL").arg(cursor);
            if (!usedKeys.isEmpty())
                sql += QStringLiteral(" OR (%1 IS NULL AND (%2) > %3)")
                           .arg(cursor, keyExpressions(db, t, usedKeys), parameterTuple(int(usedKeys.size())));
            bound = keyValues;
        } else {
            const QString keys = keyExpressions(db, t, usedKeys);
            sql += QStringLiteral(" WHERE (%1) > %2")
                       .arg(keys.isEmpty() ? cursor : cursor + QStringLiteral(", ") + keys, parameterTuple(int(usedKeys.size()) + 1));
            bound << cursorBound(after->cursor, cursorType) << keyValues;
        }
    }
    const QString orderKeys = keyExpressions(db, t, keyColumns);
    sql += QStringLiteral(" ORDER BY ") + cursorExpression(quote(db, cursorColumn), cursorType)
        + (orderKeys.isEmpty() ? QString() : QStringLiteral(", ") + orderKeys);
    QSqlQuery query(db.connection());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        db.raise(query, "preparing a read");
    for (int i = 0; i < bound.size(); ++i)
        query.bindValue(i, bound.at(i));
    db.exec(query, "reading changed rows");
    stream(query, request.entity, schema, request.batchSize, sink);
}

void SqliteConnector::apply(const ChangeBatch &batch)
{
    const sqlite::Table &t = table(batch.entity);
    const bool hasState = !batch.stateUpserts.isEmpty() || !batch.stateDeletes.isEmpty() || batch.checkpoint;
    ControlDbStateStore *state = hasState ? &ownStateStore() : nullptr; // its DDL runs before BEGIN
    const db::Database &db = database();
    db::Transaction transaction(db);
    sqlite::writeBatch(db, t, batch);
    if (state)
        state->writeState(batch);
    transaction.commit();
}

ControlDbStateStore &SqliteConnector::ownStateStore()
{
    if (!m_stateStore)
        m_stateStore = std::make_unique<ControlDbStateStore>(database(), StateTables::insideTarget());
    return *m_stateStore;
}

StateStore &SqliteConnector::stateStore()
{
    return ownStateStore();
}

QList<FieldError> SqliteConnector::unrepresentable(const QString &entity, const Schema &schema, const Row &row)
{
    const sqlite::Table &t = table(entity);
    QList<FieldError> errors;
    for (int c = 0; c < schema.size() && c < row.size(); ++c) {
        const QVariant &value = row.at(c);
        const int index = t.description.schema.indexOf(schema.at(c).name);
        if (index < 0 || value.isNull() || !value.isValid())
            continue;
        const sqlite::Affinity affinity = t.affinities.at(index);
        const bool numeric = affinity != sqlite::Affinity::Text && affinity != sqlite::Affinity::Blob;
        QString reason;
        if (schema.at(c).type == ValueType::Decimal && !sqlite::decimalSurvives(value.toString(), affinity)) {
            reason = QStringLiteral("%1 would be rounded: SQLite keeps 15 digits in a column declared '%2'; "
                                    "declare it with TEXT affinity, e.g. 'DECIMAL TEXT'")
                         .arg(value.toString(), t.declaredTypes.at(index));
        } else if (schema.at(c).type == ValueType::Double && numeric && value.toDouble() == 0
                   && std::signbit(value.toDouble())) {
            reason = QStringLiteral("-0 would lose its sign: SQLite stores it as 0 in a column declared '%1'; "
                                    "declare it with TEXT or BLOB affinity to keep it")
                         .arg(t.declaredTypes.at(index));
        }
        if (!reason.isEmpty())
            errors << FieldError { schema.at(c).name, QStringLiteral("target_type"), reason };
    }
    return errors;
}

QSet<QString> SqliteConnector::existingValues(const QString &entity, const QString &column, ValueType type,
                                              const QList<QVariant> &values)
{
    table(entity).description.schema.indexesOf({ column }); // throws naming an unknown column
    QList<QVariant> wanted;
    for (const QVariant &value : values) {
        if (!value.isNull() && value.isValid())
            wanted << sqlite::toStored(value, type);
    }
    const db::Database &db = database();
    QSet<QString> found;
    for (qsizetype start = 0; start < wanted.size(); start += kKeysPerStatement) {
        const int count = int(qMin<qsizetype>(kKeysPerStatement, wanted.size() - start));
        QSqlQuery query = db.prepare(QStringLiteral("SELECT DISTINCT %1 FROM %2 WHERE %1 IN %3")
                                         .arg(quote(db, column), quote(db, entity), parameterTuple(count)));
        query.setForwardOnly(true);
        for (int i = 0; i < count; ++i)
            query.bindValue(i, wanted.at(start + i));
        db.exec(query, "looking up referenced values");
        while (query.next()) {
            QVariant value;
            QString error;
            if (sqlite::fromStored(query.value(0), type, &value, &error))
                found.insert(QString::fromUtf8(canonicalValue(value, type)));
        }
    }
    return found;
}

} // namespace tf::sync
