#include "postgreswriter.h"

#include "core/errors.h"
#include "postgrescatalog.h"
#include "postgressession.h"
#include "postgresstatestore.h"
#include "postgresstatetables.h"
#include "postgrestypes.h"

#include <QHash>

namespace tf::sync::pg {

namespace {

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

void writeUpserts(PgSession &session, const PgTable &table, const ChangeBatch &batch)
{
    const Schema &schema = *batch.schema;
    const QStringList columns = schema.names();
    const QList<int> keyIndexes = schema.indexesOf(batch.keyColumns);
    QList<PgColumn> targetColumns;
    for (const QString &name : columns)
        targetColumns << table.column(name);
    const QString what = QStringLiteral("writing to %1").arg(table.qualifiedName());

    // Only the batch's columns, typed like the target but without its constraints: a NOT
    // NULL or CHECK violation surfaces at the INSERT below with the target's constraint name.
    session.exec(
        QStringLiteral(
            "CREATE TEMP TABLE tf_upserts ON COMMIT DROP AS SELECT %1 FROM %2 AS t WITH NO DATA")
            .arg(refs(columns, QStringLiteral("t.")), table.qualifiedName())
            .toUtf8(),
        what);
    PgCopyIn copy(
        session,
        QStringLiteral("COPY pg_temp.tf_upserts (%1) FROM STDIN").arg(refs(columns)).toUtf8(),
        what);
    for (const qsizetype index : lastPerKey(batch.upserts, keyIndexes, schema)) {
        const Row &row = batch.upserts.at(index);
        if (row.size() != schema.size()) {
            throw Error(Error::Kind::Validation,
                        QStringLiteral("%1: an upsert row has %2 values for %3 columns")
                            .arg(what)
                            .arg(row.size())
                            .arg(schema.size()));
        }
        QByteArray &out = copy.buffer();
        for (int c = 0; c < schema.size(); ++c) {
            if (c > 0)
                out += '\t';
            appendCopyField(out, row.at(c), schema.at(c).type, schema.at(c).name);
        }
        copy.endRow();
    }
    copy.finish();

    QStringList sets;
    QStringList current;
    QStringList incoming;
    for (const PgColumn &column : std::as_const(targetColumns)) {
        if (batch.keyColumns.contains(column.name))
            continue;
        const QString name = quoteIdentifier(column.name);
        sets << QStringLiteral("%1 = EXCLUDED.%1").arg(name);
        current << comparable(QStringLiteral("t.") + name, column);
        incoming << comparable(QStringLiteral("EXCLUDED.") + name, column);
    }
    // An unchanged row is left alone (no new row version, no trigger, no WAL).
    const QString action = sets.isEmpty()
        ? QStringLiteral("DO NOTHING")
        : QStringLiteral("DO UPDATE SET %1 WHERE ROW(%2) IS DISTINCT FROM ROW(%3)")
              .arg(sets.join(QLatin1String(", ")), current.join(QLatin1String(", ")),
                   incoming.join(QLatin1String(", ")));
    try {
        session.exec(
            QStringLiteral(
                "INSERT INTO %1 AS t (%2) SELECT %2 FROM pg_temp.tf_upserts ON CONFLICT (%3) %4")
                .arg(table.qualifiedName(), refs(columns), refs(batch.keyColumns), action)
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
}

void writeDeletes(PgSession &session, const PgTable &table, const ChangeBatch &batch)
{
    QList<PgColumn> keys;
    QStringList matches;
    for (const QString &name : batch.keyColumns) {
        keys << table.column(name);
        matches << QStringLiteral("t.%1 = d.%1").arg(quoteIdentifier(name));
    }
    const QString what = QStringLiteral("deleting from %1").arg(table.qualifiedName());
    session.exec(
        QStringLiteral(
            "CREATE TEMP TABLE tf_deletes ON COMMIT DROP AS SELECT %1 FROM %2 AS t WITH NO DATA")
            .arg(refs(batch.keyColumns, QStringLiteral("t.")), table.qualifiedName())
            .toUtf8(),
        what);
    PgCopyIn copy(session,
                  QStringLiteral("COPY pg_temp.tf_deletes (%1) FROM STDIN")
                      .arg(refs(batch.keyColumns))
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
    session.exec(QStringLiteral("DELETE FROM %1 AS t USING pg_temp.tf_deletes AS d WHERE %2")
                     .arg(table.qualifiedName(), matches.join(QLatin1String(" AND ")))
                     .toUtf8(),
                 what);
}

} // namespace

PgWriter::PgWriter(const db::Database &database, PgCatalog &catalog, PostgresStateStore &state)
    : m_database(database)
    , m_catalog(catalog)
    , m_state(state)
{ }

void PgWriter::apply(const ChangeBatch &batch)
{
    const bool hasData = !batch.upserts.isEmpty() || !batch.deletes.isEmpty();
    const bool hasState
        = !batch.stateUpserts.isEmpty() || !batch.stateDeletes.isEmpty() || batch.checkpoint;
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
    PgTransaction transaction(session);
    if (!batch.upserts.isEmpty())
        writeUpserts(session, table, batch);
    if (!batch.deletes.isEmpty())
        writeDeletes(session, table, batch);
    if (hasState)
        writeBatchState(session, m_catalog, batch);
    transaction.commit();
}

} // namespace tf::sync::pg
