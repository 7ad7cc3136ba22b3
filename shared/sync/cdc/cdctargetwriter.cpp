#include "cdctargetwriter.h"

#include "core/errors.h"
#include "db/connection.h"
#include "sync/connectors/postgressession.h"
#include "sync/connectors/postgrestemptables.h"
#include "sync/connectors/postgrestypes.h"

namespace tf::sync::cdc {

CdcTargetTable::CdcTargetTable(const db::Database &target, const QString &schema,
                               const QString &table, SchemaPtr rowSchema, QStringList keyColumns)
    : m_target(target)
    , m_table(pg::quoteIdentifier(schema) + QLatin1Char('.') + pg::quoteIdentifier(table))
    , m_schema(std::move(rowSchema))
    , m_keyColumns(std::move(keyColumns))
    , m_keyIndexes(m_schema->indexesOf(m_keyColumns))
{
    if (m_keyColumns.isEmpty())
        throw Error(Error::Kind::Validation,
                    QStringLiteral("writing changes to %1: no key columns").arg(m_table));
}

CdcTargetWriter::CdcTargetWriter(const db::Database &target, const QString &schema,
                                 const QString &table, SchemaPtr rowSchema, QStringList keyColumns)
    : CdcTargetTable(target, schema, table, std::move(rowSchema), std::move(keyColumns))
{ }

QByteArray CdcTargetWriter::bound(const QVariant &value, int column) const
{
    const Column &described = m_schema->at(column);
    return pg::inputText(value, described.type, described.name);
}

// "k1 = $n AND k2 = $n+1 ...", numbered from `first`.
QString CdcTargetWriter::keyCondition(int first) const
{
    QStringList parts;
    for (const QString &column : m_keyColumns)
        parts << QStringLiteral("%1 = $%2").arg(pg::quoteIdentifier(column)).arg(first++);
    return parts.join(QStringLiteral(" AND "));
}

void CdcTargetWriter::appendKey(QList<QByteArray> &params, const KeyValues &key) const
{
    for (qsizetype i = 0; i < m_keyIndexes.size(); ++i)
        params << bound(key.value(i), m_keyIndexes.at(i));
}

qint64 CdcTargetWriter::count(const QString &statement, const char *what,
                              const QList<QByteArray> &params) const
{
    pg::PgSession session(m_target);
    return pg::queryIntegers(
               session,
               QStringLiteral("WITH w AS (%1) SELECT count(*) FROM w").arg(statement).toUtf8(),
               QString::fromLatin1(what), params)
        .value(0);
}

void CdcTargetWriter::upsert(const Row &row)
{
    QStringList columns;
    QStringList placeholders;
    QStringList updates;
    QList<QByteArray> params;
    for (int i = 0; i < m_schema->size(); ++i) {
        const QString quoted = pg::quoteIdentifier(m_schema->at(i).name);
        columns << quoted;
        placeholders << QStringLiteral("$%1").arg(i + 1);
        if (!m_keyColumns.contains(m_schema->at(i).name))
            updates << QStringLiteral("%1 = EXCLUDED.%1").arg(quoted);
        params << bound(row.value(i), i);
    }
    QStringList keys;
    for (const QString &column : m_keyColumns)
        keys << pg::quoteIdentifier(column);
    const QString onConflict = updates.isEmpty()
        ? QStringLiteral("DO NOTHING")
        : QStringLiteral("DO UPDATE SET ") + updates.join(QStringLiteral(", "));
    pg::PgSession session(m_target);
    session.exec(QStringLiteral("INSERT INTO %1 (%2) VALUES (%3) ON CONFLICT (%4) %5")
                     .arg(m_table, columns.join(QStringLiteral(", ")),
                          placeholders.join(QStringLiteral(", ")), keys.join(QStringLiteral(", ")),
                          onConflict)
                     .toUtf8(),
                 QStringLiteral("writing a streamed change"), params);
}

bool CdcTargetWriter::update(const Row &row, const QList<bool> &unchanged, const KeyValues &where)
{
    QStringList sets;
    QList<QByteArray> params;
    for (int i = 0; i < m_schema->size(); ++i) {
        if (unchanged.value(i))
            continue;
        params << bound(row.value(i), i);
        sets << QStringLiteral("%1 = $%2")
                    .arg(pg::quoteIdentifier(m_schema->at(i).name))
                    .arg(params.size());
    }
    const QString condition = keyCondition(int(params.size()) + 1);
    appendKey(params, where);
    // Every value unchanged: nothing to write, but the row must still be there.
    return count(sets.isEmpty()
                     ? QStringLiteral("SELECT 1 FROM %1 WHERE %2").arg(m_table, condition)
                     : QStringLiteral("UPDATE %1 SET %2 WHERE %3 RETURNING 1")
                           .arg(m_table, sets.join(QStringLiteral(", ")), condition),
                 "writing a streamed change", params)
        > 0;
}

bool CdcTargetWriter::remove(const KeyValues &key)
{
    QList<QByteArray> params;
    appendKey(params, key);
    return count(
               QStringLiteral("DELETE FROM %1 WHERE %2 RETURNING 1").arg(m_table, keyCondition(1)),
               "deleting a streamed change", params)
        > 0;
}

bool CdcTargetWriter::markDeleted(const KeyValues &key, const QString &column)
{
    QList<QByteArray> params;
    appendKey(params, key);
    return count(QStringLiteral("UPDATE %1 SET %2 = true WHERE %3 RETURNING 1")
                     .arg(m_table, pg::quoteIdentifier(column), keyCondition(1)),
                 "marking a streamed delete", params)
        > 0;
}

qint64 CdcTargetWriter::removeAll()
{
    return count(QStringLiteral("DELETE FROM %1 RETURNING 1").arg(m_table),
                 "applying a streamed truncate");
}

qint64 CdcTargetWriter::markAllDeleted(const QString &column)
{
    return count(
        QStringLiteral("UPDATE %1 SET %2 = true WHERE %2 IS DISTINCT FROM true RETURNING 1")
            .arg(m_table, pg::quoteIdentifier(column)),
        "applying a streamed truncate");
}

} // namespace tf::sync::cdc
