#include "cdctargetbatch.h"

#include "core/errors.h"
#include "db/connection.h"
#include "sync/connectors/postgressession.h"
#include "sync/connectors/postgrestemptables.h"
#include "sync/connectors/postgrestypes.h"

#include <QSqlQuery>
#include <atomic>

namespace tf::sync::cdc {

namespace {

QString quotedList(const QStringList &names, const QString &prefix = {})
{
    QStringList parts;
    for (const QString &name : names)
        parts << prefix + pg::quoteIdentifier(name);
    return parts.join(QStringLiteral(", "));
}

// Each batch writer its own temporary table: two entities may share a transaction.
QString nextTempName()
{
    static std::atomic_int counter { 0 };
    return QStringLiteral("tf_cdc_batch_%1").arg(++counter);
}

} // namespace

CdcTargetBatch::CdcTargetBatch(const db::Database &target, const QString &schema,
                               const QString &table, SchemaPtr rowSchema, QStringList keyColumns)
    : CdcTargetTable(target, schema, table, std::move(rowSchema), std::move(keyColumns))
    , m_temp(nextTempName())
{ }

QString CdcTargetBatch::keyMatch(const QString &left, const QString &right) const
{
    QStringList parts;
    for (const QString &column : m_keyColumns) {
        const QString quoted = pg::quoteIdentifier(column);
        parts << QStringLiteral("%1.%2 = %3.%2").arg(left, quoted, right);
    }
    return parts.join(QStringLiteral(" AND "));
}

// The last row of each key in the staged run (tf_seq is the row's place in it).
QString CdcTargetBatch::lastPerKey(const QString &temp, const QString &columns) const
{
    const QString keys = quotedList(m_keyColumns);
    return QStringLiteral("SELECT DISTINCT ON (%1) %2 FROM %3 ORDER BY %1, tf_seq DESC")
        .arg(keys, columns, temp);
}

QString CdcTargetBatch::stage(const QList<Row> &rows, bool keysOnly)
{
    pg::PgSession session(m_target);
    const QString temp = QStringLiteral("pg_temp.") + m_temp;
    const QString what = QStringLiteral("staging streamed changes for %1").arg(m_table);
    // Typed like the target's columns, without its constraints: a violation surfaces at the
    // merge with the target's constraint name. Gone when the transaction ends.
    session.exec(QStringLiteral("CREATE TEMP TABLE IF NOT EXISTS %1 ON COMMIT DROP AS SELECT "
                                "0::int8 AS tf_seq, %2 FROM %3 AS t WITH NO DATA")
                     .arg(m_temp, quotedList(m_schema->names(), QStringLiteral("t.")), m_table)
                     .toUtf8(),
                 what);
    session.exec(QStringLiteral("TRUNCATE %1").arg(temp).toUtf8(), what);
    QList<int> columns;
    if (keysOnly) {
        columns = m_keyIndexes;
    } else {
        for (int i = 0; i < m_schema->size(); ++i)
            columns << i;
    }
    QStringList names;
    for (const int index : std::as_const(columns))
        names << m_schema->at(index).name;
    pg::PgCopyIn copy(
        session,
        QStringLiteral("COPY %1 (tf_seq, %2) FROM STDIN").arg(temp, quotedList(names)).toUtf8(),
        what);
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const Row &row = rows.at(i);
        QByteArray &out = copy.buffer();
        out += QByteArray::number(i);
        for (const int index : std::as_const(columns)) {
            out += '\t';
            const Column &column = m_schema->at(index);
            pg::appendCopyField(out, row.value(index), column.type, column.name);
        }
        copy.endRow();
    }
    copy.finish();
    return temp;
}

void CdcTargetBatch::upsert(const QList<Row> &rows)
{
    if (rows.isEmpty())
        return;
    const QString temp = stage(rows, false);
    QStringList updates;
    for (const Column &column : m_schema->columns()) {
        if (!m_keyColumns.contains(column.name))
            updates << QStringLiteral("%1 = EXCLUDED.%1").arg(pg::quoteIdentifier(column.name));
    }
    const QString onConflict = updates.isEmpty()
        ? QStringLiteral("DO NOTHING")
        : QStringLiteral("DO UPDATE SET ") + updates.join(QStringLiteral(", "));
    const QString columns = quotedList(m_schema->names());
    pg::PgSession session(m_target);
    session.exec(
        QStringLiteral("INSERT INTO %1 (%2) %3 ON CONFLICT (%4) %5")
            .arg(m_table, columns, lastPerKey(temp, columns), quotedList(m_keyColumns), onConflict)
            .toUtf8(),
        QStringLiteral("writing streamed changes to %1").arg(m_table));
}

QSet<qsizetype> CdcTargetBatch::update(const QList<Row> &rows, const QList<bool> &unchanged)
{
    QSet<qsizetype> missing;
    if (rows.isEmpty())
        return missing;
    const QString temp = stage(rows, false);
    const QString what = QStringLiteral("writing streamed changes to %1").arg(m_table);
    // The keys the table does not hold: a run changes no key, so before or after is the same.
    QSqlQuery query = m_target.prepare(
        QStringLiteral("SELECT s.tf_seq FROM %1 AS s WHERE NOT EXISTS (SELECT 1 FROM %2 AS t "
                       "WHERE %3)")
            .arg(temp, m_table, keyMatch(QStringLiteral("t"), QStringLiteral("s"))));
    m_target.exec(query, "checking streamed updates");
    while (query.next())
        missing.insert(query.value(0).toLongLong());
    query.finish();
    QStringList sets;
    for (int i = 0; i < m_schema->size(); ++i) {
        if (!unchanged.value(i))
            sets << QStringLiteral("%1 = s.%1").arg(pg::quoteIdentifier(m_schema->at(i).name));
    }
    if (sets.isEmpty() || missing.size() == rows.size())
        return missing; // every value unchanged: nothing to write, only the rows' presence
    pg::PgSession session(m_target);
    session.exec(QStringLiteral("UPDATE %1 AS t SET %2 FROM (%3) AS s WHERE %4")
                     .arg(m_table, sets.join(QStringLiteral(", ")),
                          lastPerKey(temp, QStringLiteral("*")),
                          keyMatch(QStringLiteral("t"), QStringLiteral("s")))
                     .toUtf8(),
                 what);
    return missing;
}

qint64 CdcTargetBatch::remove(const QList<Row> &keys, const QString &softDeleteColumn)
{
    if (keys.isEmpty())
        return 0;
    const QString temp = stage(keys, true);
    const QString distinct
        = QStringLiteral("SELECT DISTINCT %1 FROM %2").arg(quotedList(m_keyColumns), temp);
    const QString statement = softDeleteColumn.isEmpty()
        ? QStringLiteral("DELETE FROM %1 AS t USING (%2) AS d WHERE %3")
              .arg(m_table, distinct, keyMatch(QStringLiteral("t"), QStringLiteral("d")))
        : QStringLiteral("UPDATE %1 AS t SET %2 = true FROM (%3) AS d WHERE %4")
              .arg(m_table, pg::quoteIdentifier(softDeleteColumn), distinct,
                   keyMatch(QStringLiteral("t"), QStringLiteral("d")));
    pg::PgSession session(m_target);
    return pg::queryIntegers(session,
                             QStringLiteral("WITH w AS (%1 RETURNING 1) SELECT count(*) FROM w")
                                 .arg(statement)
                                 .toUtf8(),
                             QStringLiteral("deleting streamed changes from %1").arg(m_table))
        .value(0);
}

} // namespace tf::sync::cdc
