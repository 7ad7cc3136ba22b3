#include "cdctargetwriter.h"

#include "core/errors.h"
#include "db/connection.h"
#include "sync/connectors/postgrestypes.h"

#include <QSqlQuery>

namespace tf::sync::cdc {

CdcTargetWriter::CdcTargetWriter(const db::Database &target, const QString &schema,
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

QVariant CdcTargetWriter::bound(const QVariant &value, int column) const
{
    const Column &described = m_schema->at(column);
    const QByteArray text = pg::inputText(value, described.type, described.name);
    return text.isNull() ? QVariant(QMetaType(QMetaType::QString))
                         : QVariant(QString::fromUtf8(text));
}

QString CdcTargetWriter::keyCondition() const
{
    QStringList parts;
    for (const QString &column : m_keyColumns)
        parts << pg::quoteIdentifier(column) + QStringLiteral(" = ?");
    return parts.join(QStringLiteral(" AND "));
}

void CdcTargetWriter::upsert(const Row &row)
{
    QStringList columns;
    QStringList placeholders;
    QStringList updates;
    for (const Column &column : m_schema->columns()) {
        const QString quoted = pg::quoteIdentifier(column.name);
        columns << quoted;
        placeholders << QStringLiteral("?");
        if (!m_keyColumns.contains(column.name))
            updates << QStringLiteral("%1 = EXCLUDED.%1").arg(quoted);
    }
    QStringList keys;
    for (const QString &column : m_keyColumns)
        keys << pg::quoteIdentifier(column);
    const QString onConflict = updates.isEmpty()
        ? QStringLiteral("DO NOTHING")
        : QStringLiteral("DO UPDATE SET ") + updates.join(QStringLiteral(", "));
    QSqlQuery query
        = m_target.prepare(QStringLiteral("INSERT INTO %1 (%2) VALUES (%3) ON CONFLICT (%4) %5")
                               .arg(m_table, columns.join(QStringLiteral(", ")),
                                    placeholders.join(QStringLiteral(", ")),
                                    keys.join(QStringLiteral(", ")), onConflict));
    for (int i = 0; i < m_schema->size(); ++i)
        query.addBindValue(bound(row.value(i), i));
    m_target.exec(query, "writing a streamed change");
}

bool CdcTargetWriter::update(const Row &row, const QList<bool> &unchanged, const KeyValues &where)
{
    QStringList sets;
    QList<QVariant> values;
    for (int i = 0; i < m_schema->size(); ++i) {
        if (unchanged.value(i))
            continue;
        sets << pg::quoteIdentifier(m_schema->at(i).name) + QStringLiteral(" = ?");
        values << bound(row.value(i), i);
    }
    // Every value unchanged: nothing to write, but the row must still be there.
    QSqlQuery query = m_target.prepare(
        sets.isEmpty() ? QStringLiteral("SELECT 1 FROM %1 WHERE %2").arg(m_table, keyCondition())
                       : QStringLiteral("UPDATE %1 SET %2 WHERE %3")
                             .arg(m_table, sets.join(QStringLiteral(", ")), keyCondition()));
    for (const QVariant &value : std::as_const(values))
        query.addBindValue(value);
    for (qsizetype i = 0; i < m_keyIndexes.size(); ++i)
        query.addBindValue(bound(where.value(i), m_keyIndexes.at(i)));
    m_target.exec(query, "writing a streamed change");
    return sets.isEmpty() ? query.next() : query.numRowsAffected() > 0;
}

bool CdcTargetWriter::remove(const KeyValues &key)
{
    QSqlQuery query
        = m_target.prepare(QStringLiteral("DELETE FROM %1 WHERE %2").arg(m_table, keyCondition()));
    for (qsizetype i = 0; i < m_keyIndexes.size(); ++i)
        query.addBindValue(bound(key.value(i), m_keyIndexes.at(i)));
    m_target.exec(query, "deleting a streamed change");
    return query.numRowsAffected() > 0;
}

} // namespace tf::sync::cdc

namespace tf::sync::cdc {

bool CdcTargetWriter::markDeleted(const KeyValues &key, const QString &column)
{
    QSqlQuery query = m_target.prepare(QStringLiteral("UPDATE %1 SET %2 = true WHERE %3")
                                           .arg(m_table, pg::quoteIdentifier(column), keyCondition()));
    for (qsizetype i = 0; i < m_keyIndexes.size(); ++i)
        query.addBindValue(bound(key.value(i), m_keyIndexes.at(i)));
    m_target.exec(query, "marking a streamed delete");
    return query.numRowsAffected() > 0;
}

qint64 CdcTargetWriter::removeAll()
{
    QSqlQuery query = m_target.prepare(QStringLiteral("DELETE FROM %1").arg(m_table));
    m_target.exec(query, "applying a streamed truncate");
    return qMax(0, query.numRowsAffected());
}

qint64 CdcTargetWriter::markAllDeleted(const QString &column)
{
    QSqlQuery query = m_target.prepare(
        QStringLiteral("UPDATE %1 SET %2 = true WHERE %2 IS DISTINCT FROM true")
            .arg(m_table, pg::quoteIdentifier(column)));
    m_target.exec(query, "applying a streamed truncate");
    return qMax(0, query.numRowsAffected());
}

} // namespace tf::sync::cdc
