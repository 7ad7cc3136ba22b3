#include "postgreswriter.h"

#include "core/errors.h"
#include "pgbinarycopy.h"
#include "postgrescatalog.h"
#include "postgresfirstload.h"
#include "postgressession.h"
#include "postgresstatestore.h"
#include "postgresstatetables.h"
#include "postgrestemptables.h"
#include "postgrestypes.h"
#include "sync/byteappend.h"

#include <QHash>
#include <QScopeGuard>
#include <charconv>
#include <cmath>

namespace tf::sync::pg {

namespace {

// A writer thread's binary COPY buffer is kept for the next batch up to this size.
constexpr qsizetype kKeptBinaryBytes = 16 << 20;

QString refs(const QStringList &names, const QString &prefix = {})
{
    QStringList parts;
    for (const QString &name : names)
        parts << prefix + quoteIdentifier(name);
    return parts.join(QLatin1String(", "));
}

// Types outside the row model (json, xml, geometric, arrays...) may lack an equality
// operator; comparing their text is exact and always possible.
QString comparable(const QString &expression, const PgColumn &column)
{
    static const QStringList native { QStringLiteral("text"), QStringLiteral("varchar"),
                                      QStringLiteral("bpchar"), QStringLiteral("jsonb") };
    const bool viaText = (column.type == ValueType::Text || column.type == ValueType::Json)
        && !native.contains(column.baseName);
    return viaText ? QStringLiteral("CAST(%1 AS text)").arg(expression) : expression;
}

// Rows to write: the last one of each key, since ON CONFLICT may not touch a row twice in
// one statement. Keeps the batch's order otherwise.
QList<qsizetype> lastPerKey(const QList<Row> &rows, const QList<int> &keyIndexes,
                            const Schema &schema)
{
    QList<QByteArray> keys;
    keys.reserve(rows.size());
    QHash<QByteArray, qsizetype> last;
    last.reserve(rows.size());
    for (qsizetype i = 0; i < rows.size(); ++i) {
        QByteArray key;
        for (const int index : keyIndexes) {
            const QByteArray value = canonicalValue(rows.at(i).value(index), schema.at(index).type);
            key += QByteArray::number(value.size()) + ':' + value;
        }
        last.insert(key, i);
        keys << key;
    }
    QList<qsizetype> order;
    order.reserve(last.size());
    for (qsizetype i = 0; i < rows.size(); ++i) {
        if (last.value(keys.at(i)) == i)
            order << i;
    }
    return order;
}

// What the temporary tables of a write depend on: the target and the columns' types.
QString shapeOf(const PgTable &table, const QStringList &columns)
{
    QString shape = table.qualifiedName();
    for (const QString &name : columns) {
        const PgColumn &column = table.column(name);
        shape += QStringLiteral("|%1:%2:%3").arg(column.name, column.sqlType).arg(column.typmod);
    }
    return shape;
}

// Only the given columns, typed like the target but without its constraints: a NOT NULL or
// CHECK violation surfaces at the merge with the target's constraint name.
QString tempLike(PgSession &session, PgTempTables &temps, const QString &prefix,
                 const PgTable &table, const QStringList &columns, const QString &what)
{
    return temps.ensure(
        session, prefix, shapeOf(table, columns),
        [&](const QString &name) {
            return QStringLiteral("CREATE TEMP TABLE %1 ON COMMIT DELETE ROWS AS SELECT %2 FROM "
                                  "%3 AS t WITH NO DATA")
                .arg(name, refs(columns, QStringLiteral("t.")), table.qualifiedName());
        },
        what);
}

// One COPY field. The common cases are written straight into the COPY buffer: a text-like
// column's QString (ASCII escaped as appendCopyText does; anything else through toUtf8) and an
// integer column's 64/32-bit integer; the bytes are those of appendCopyField, which writes
// every other value.
void appendField(QByteArray &out, const QVariant &value, const Column &column)
{
    if (!value.isValid() || value.isNull()) { // NULL, as inputText() gives it
        appendBytes(out, "\\N", 2);
        return;
    }
    const int id = value.typeId();
    const bool textLike = column.type == ValueType::Text || column.type == ValueType::Decimal
        || column.type == ValueType::Uuid || column.type == ValueType::Json;
    if (id == QMetaType::QString && textLike && !value.isNull()) {
        appendCopyString(out, *static_cast<const QString *>(value.constData()));
        return;
    }
    if ((id == QMetaType::LongLong || id == QMetaType::Int) && column.type == ValueType::Integer) {
        char digits[24];
        const qint64 number = id == QMetaType::LongLong
            ? *static_cast<const qint64 *>(value.constData())
            : *static_cast<const int *>(value.constData());
        const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
        appendBytes(out, digits, end - digits);
        return;
    }
    if (id == QMetaType::Double && column.type == ValueType::Double) {
        // The shortest text that reads back as the same double (as inputText's, by to_chars);
        // NaN, the infinities and -0 as inputText spells them.
        const double d = *static_cast<const double *>(value.constData());
        if (std::isfinite(d) && !(d == 0 && std::signbit(d))) {
            char digits[32];
            const auto end = std::to_chars(digits, digits + sizeof digits, d).ptr;
            appendBytes(out, digits, end - digits);
            return;
        }
    }
    if (id == TimeValue::metaTypeId()
        && (column.type == ValueType::Date || column.type == ValueType::Timestamp
            || column.type == ValueType::TimestampTz)) {
        // As inputText writes it (toPgText), straight into the COPY text.
        const TimeValue &time = *static_cast<const TimeValue *>(value.constData());
        if (time.isValid() && time.kind() == timeKind(column.type)) {
            time.appendPgText(out);
            return;
        }
    }
    appendCopyField(out, value, column.type, column.name);
}

void checkRowSize(const Row &row, const Schema &schema, const QString &what)
{
    if (row.size() != schema.size()) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral("%1: an upsert row has %2 values for %3 columns")
                        .arg(what)
                        .arg(row.size())
                        .arg(schema.size()));
    }
}

// The rows of `order` in COPY's binary form (pgbinarycopy.h), whole, into `data`; false when
// a value has none (the batch then goes as text).
bool binaryRows(QByteArray &data, const ChangeBatch &batch, const QList<qsizetype> &order,
                const QList<BinaryForm> &forms, const QString &what)
{
    const Schema &schema = *batch.schema;
    appendBinaryHeader(data);
    for (const qsizetype index : order) {
        const Row &row = batch.upserts.at(index);
        checkRowSize(row, schema, what);
        appendBinaryRowStart(data, int(forms.size()));
        for (int c = 0; c < schema.size(); ++c) {
            if (!appendBinaryField(data, row.at(c), forms.at(c)))
                return false;
        }
    }
    appendBinaryTrailer(data);
    return true;
}

// COPY of the upsert rows (each key once, unless `all`) into `into`, whose columns have the
// types of `table`'s; returns the rows sent. In COPY's binary form when every column and value
// has one (pgbinarycopy.h: the server parses nothing), else as text.
qint64 copyUpserts(PgSession &session, const QString &into, const PgTable &table, const ChangeBatch &batch,
                   bool all, const QString &what)
{
    const Schema &schema = *batch.schema;
    QList<qsizetype> order;
    if (all) {
        order.reserve(batch.upserts.size());
        for (qsizetype i = 0; i < batch.upserts.size(); ++i)
            order << i;
    } else {
        order = lastPerKey(batch.upserts, schema.indexesOf(batch.keyColumns), schema);
    }
    const QByteArray columns = QStringLiteral("COPY %1 (%2) FROM STDIN").arg(into, refs(schema.names())).toUtf8();
    const QList<BinaryForm> forms = binaryForms(table, schema.names());
    if (!forms.isEmpty()) {
        // Built whole before the COPY starts, so a value without a binary form can still send
        // the batch as text. One buffer per writer thread, kept between batches unless large.
        thread_local QByteArray data;
        data.resize(0);
        const auto release = qScopeGuard([] {
            if (data.capacity() > kKeptBinaryBytes)
                data = QByteArray();
        });
        if (binaryRows(data, batch, order, forms, what)) {
            PgCopyIn copy(session, columns + " WITH (FORMAT binary)", what);
            copy.send(data, order.size());
            copy.finish();
            return order.size();
        }
    }
    PgCopyIn copy(session, columns, what);
    for (const qsizetype index : std::as_const(order)) {
        const Row &row = batch.upserts.at(index);
        checkRowSize(row, schema, what);
        QByteArray &out = copy.buffer();
        for (int c = 0; c < schema.size(); ++c) {
            if (c > 0)
                appendByte(out, '\t');
            appendField(out, row.at(c), schema.at(c));
        }
        copy.endRow();
    }
    copy.finish();
    return copy.rows();
}

// The merge: COPY into the temporary table, then one INSERT ... ON CONFLICT that counts
// what it inserted and updated (RETURNING xmax = 0: a row version this statement inserted
// has no xmax, one it updated carries the statement's lock). Rows it leaves alone are
// unchanged.
WriteCounts mergeUpserts(PgSession &session, const PgTable &table, const QString &temp,
                         const ChangeBatch &batch, const QString &what)
{
    const QStringList columns = batch.schema->names();
    copyUpserts(session, QStringLiteral("pg_temp.") + temp, table, batch, false, what);

    QStringList sets;
    QStringList current;
    QStringList incoming;
    for (const QString &name : columns) {
        if (batch.keyColumns.contains(name))
            continue;
        const PgColumn &column = table.column(name);
        const QString quoted = quoteIdentifier(column.name);
        sets << QStringLiteral("%1 = EXCLUDED.%1").arg(quoted);
        current << comparable(QStringLiteral("t.") + quoted, column);
        incoming << comparable(QStringLiteral("EXCLUDED.") + quoted, column);
    }
    // An unchanged row is left alone (no new row version, no trigger, no WAL).
    const QString action = sets.isEmpty()
        ? QStringLiteral("DO NOTHING")
        : QStringLiteral("DO UPDATE SET %1 WHERE ROW(%2) IS DISTINCT FROM ROW(%3)")
              .arg(sets.join(QLatin1String(", ")), current.join(QLatin1String(", ")),
                   incoming.join(QLatin1String(", ")));
    QList<qint64> written;
    try {
        written = queryIntegers(
            session,
            QStringLiteral("WITH w AS (INSERT INTO %1 AS t (%2) SELECT %2 FROM pg_temp.%3"
                           " ON CONFLICT (%4) %5 RETURNING (t.xmax = 0) AS inserted)"
                           " SELECT count(*) FILTER (WHERE inserted),"
                           " count(*) FILTER (WHERE NOT inserted) FROM w")
                .arg(table.qualifiedName(), refs(columns), temp, refs(batch.keyColumns), action)
                .toUtf8(),
            what);
    } catch (const Error &error) {
        if (error.details().value(QStringLiteral("sqlstate")).toString() != QLatin1String("42P10"))
            throw;
        throw Error(
            Error::Kind::Validation,
            QStringLiteral(
                "%1 has no primary key or unique constraint on (%2): the target key must be unique")
                .arg(table.qualifiedName(), batch.keyColumns.join(QLatin1String(", "))),
            QJsonObject { { QStringLiteral("table"), table.name },
                          { QStringLiteral("key"), batch.keyColumns.join(QLatin1Char(',')) } });
    }
    WriteCounts counts;
    counts.inserted = written.value(0);
    counts.updated = written.value(1);
    // Earlier rows of a key repeated in the batch were superseded: counted as unchanged.
    counts.unchanged = batch.upserts.size() - counts.inserted - counts.updated;
    return counts;
}

void writeDeletes(PgSession &session, const PgTable &table, const QString &temp,
                  const ChangeBatch &batch)
{
    QList<PgColumn> keys;
    QStringList matches;
    for (const QString &name : batch.keyColumns) {
        keys << table.column(name);
        matches << QStringLiteral("t.%1 = d.%1").arg(quoteIdentifier(name));
    }
    const QString what = QStringLiteral("deleting from %1").arg(table.qualifiedName());
    PgCopyIn copy(session,
                  QStringLiteral("COPY pg_temp.%1 (%2) FROM STDIN")
                      .arg(temp, refs(batch.keyColumns))
                      .toUtf8(),
                  what);
    for (const KeyValues &key : batch.deletes) {
        if (key.size() != keys.size()) {
            throw Error(Error::Kind::Validation,
                        QStringLiteral("%1: a key has %2 values, expected %3")
                            .arg(what)
                            .arg(key.size())
                            .arg(keys.size()));
        }
        QByteArray &out = copy.buffer();
        for (int k = 0; k < keys.size(); ++k) {
            if (k > 0)
                out += '\t';
            appendCopyField(out, key.at(k), keys.at(k).type, keys.at(k).name);
        }
        copy.endRow();
    }
    copy.finish();
    session.exec(QStringLiteral("DELETE FROM %1 AS t USING pg_temp.%2 AS d WHERE %3")
                     .arg(table.qualifiedName(), temp, matches.join(QLatin1String(" AND ")))
                     .toUtf8(),
                 what);
}

} // namespace

PgWriter::PgWriter(const db::Database &database, PgCatalog &catalog, PostgresStateStore &state)
    : m_database(database)
    , m_catalog(catalog)
    , m_state(state)
{ }

bool PgWriter::isEmpty(const QString &entity)
{
    const PgTable table = m_catalog.table(entity);
    PgSession session(m_database);
    return queryIntegers(
               session,
               QStringLiteral("SELECT 1 FROM %1 LIMIT 1").arg(table.qualifiedName()).toUtf8(),
               QStringLiteral("looking into %1").arg(table.qualifiedName()))
        .isEmpty();
}

void PgWriter::apply(const ChangeBatch &batch)
{
    const bool hasData = !batch.upserts.isEmpty() || !batch.deletes.isEmpty();
    const bool hasState = !batch.stateUpserts.isEmpty() || !batch.stateDeletes.isEmpty()
        || batch.checkpoint || !batch.pendingTargetKeys.isEmpty();
    if (!hasData && !hasState)
        return;
    if (hasData && batch.keyColumns.isEmpty()) {
        throw Error(
            Error::Kind::Validation,
            QStringLiteral("writing to table \"%1\": no key columns given").arg(batch.entity));
    }
    if (!batch.upserts.isEmpty() && !batch.schema) {
        throw Error(
            Error::Kind::Internal,
            QStringLiteral("writing to table \"%1\": upserts without a schema").arg(batch.entity));
    }
    if (hasState)
        m_state.ensureTables();
    const PgTable table = hasData ? m_catalog.table(batch.entity) : PgTable();

    PgSession session(m_database);
    // Temporary tables first: created outside the batch's transaction, once per connection.
    const QString what = QStringLiteral("writing to %1").arg(table.qualifiedName());
    const bool merge = !batch.upserts.isEmpty() && !batch.intoEmpty;
    const QString upsertTemp = merge ? tempLike(session, m_temps, QStringLiteral("tf_upserts"),
                                                table, batch.schema->names(), what)
                                     : QString();
    const QString deleteTemp = batch.deletes.isEmpty()
        ? QString()
        : tempLike(session, m_temps, QStringLiteral("tf_deletes"), table, batch.keyColumns, what);
    // A first load's state goes straight into the state table (writeFirstLoadState); the rest
    // of the batch's state (none, in a full run) the usual way.
    const bool firstLoadState = !batch.stateUpserts.isEmpty()
        && m_state.firstLoad(batch.pairId, batch.stateEntity.isEmpty() ? batch.entity : batch.stateEntity);
    ChangeBatch otherState;
    if (firstLoadState) {
        otherState.pairId = batch.pairId;
        otherState.entity = batch.entity;
        otherState.stateEntity = batch.stateEntity;
        otherState.stateDeletes = batch.stateDeletes;
        otherState.checkpoint = batch.checkpoint;
        otherState.pendingRun = batch.pendingRun;
        otherState.pendingTargetKeys = batch.pendingTargetKeys;
    }
    const ChangeBatch &stateBatch = firstLoadState ? otherState : batch;
    const StateTempTables stateTemps
        = hasState ? stateTempTables(session, m_temps, stateBatch) : StateTempTables();

    PgTransaction transaction(session);
    WriteCounts counts;
    if (merge) {
        counts = mergeUpserts(session, table, upsertTemp, batch, what);
    } else if (!batch.upserts.isEmpty()) {
        // Into an empty table: no merge; a key present twice fails on the target's key.
        counts.inserted = copyUpserts(session, table.qualifiedName(), table, batch, true, what);
    }
    if (!batch.deletes.isEmpty())
        writeDeletes(session, table, deleteTemp, batch);
    if (firstLoadState)
        writeFirstLoadState(session, m_catalog, batch, QStringLiteral("writing sync state of pair %1").arg(batch.pairId));
    if (hasState)
        writeBatchState(session, m_catalog, stateBatch, stateTemps);
    transaction.commit();
    if (batch.counts)
        *batch.counts = counts;
}

} // namespace tf::sync::pg
