// The writing half of MysqlConnector: one InnoDB transaction per batch.
#include "core/errors.h"
#include "lastperkey.h"
#include "mysqlconnector.h"
#include "mysqlsession.h"
#include "mysqlstatestore.h"
#include "mysqlvalues.h"

#include <QCryptographicHash>
#include <QHash>

namespace tf::sync {

using mysql::ColumnInfo;
using mysql::Session;

namespace {

constexpr Session::Role kWrite = Session::Role::Write;
constexpr int kMaxParameters = 60000; // a prepared statement takes at most 65535
constexpr int kKeysPerStatement = 500;

QString tupleOf(int width)
{
    return QLatin1Char('(') + QStringList(width, QStringLiteral("?")).join(QStringLiteral(", ")) + QLatin1Char(')');
}

qint64 sizeOf(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::QString: return value.toString().size() * 3 + 8;
    case QMetaType::QByteArray: return value.toByteArray().size() + 8;
    default: return 16;
    }
}

// The TEMPORARY table deleted keys of `entity` are staged in, on the write connection.
QString deleteStage(const QString &entity)
{
    return QStringLiteral("tf_del_")
        + QString::fromLatin1(QCryptographicHash::hash(entity.toUtf8(), QCryptographicHash::Md5).toHex().left(16));
}

QList<ColumnInfo> keyInfos(const mysql::Table &t, const QStringList &keyColumns)
{
    QList<ColumnInfo> keys;
    for (const QString &name : keyColumns)
        keys << t.column(name);
    return keys;
}

} // namespace

void MysqlConnector::apply(const ChangeBatch &batch)
{
    const bool hasRows = !batch.upserts.isEmpty() || !batch.deletes.isEmpty();
    const mysql::Table *t = hasRows ? &table(batch.entity) : nullptr; // a state-only batch needs no table
    const bool hasState = !batch.stateUpserts.isEmpty() || !batch.stateDeletes.isEmpty() || batch.checkpoint;
    mysql::StateStore *state = hasState ? &ownStateStore() : nullptr; // its DDL commits: before the transaction
    readMaxPacket();
    QString stage;
    if (!batch.deletes.isEmpty()) {
        // A staging table with the key columns' own types (so DECIMAL keys compare exactly).
        stage = deleteStage(batch.entity);
        QStringList names;
        for (const QString &key : batch.keyColumns)
            names << Session::quote(key);
        m_session->execDirect(kWrite, QStringLiteral("CREATE TEMPORARY TABLE IF NOT EXISTS %1 AS SELECT %2 FROM %3 LIMIT 0")
                                          .arg(stage, names.join(QStringLiteral(", ")), Session::quote(batch.entity)),
                              "creating the delete staging table");
    }
    WriteCounts counts;
    mysql::SessionTransaction transaction(*m_session, kWrite);
    if (!batch.deletes.isEmpty()) {
        m_session->execDirect(kWrite, QStringLiteral("DELETE FROM %1").arg(stage), "clearing the delete staging table");
        deleteRows(*t, batch);
    }
    if (!batch.upserts.isEmpty())
        writeRows(*t, batch, &counts);
    if (state)
        state->writeState(batch);
    transaction.commit();
    if (batch.counts)
        *batch.counts = counts;
}

void MysqlConnector::readMaxPacket()
{
    if (m_maxPacket != 0)
        return;
    QSqlQuery packet = m_session->run(kWrite, QStringLiteral("SELECT @@max_allowed_packet"), {}, "reading max_allowed_packet");
    m_maxPacket = packet.next() ? packet.value(0).toLongLong() : 4 << 20;
}

void MysqlConnector::writeUpserts(const ChangeBatch &batch)
{
    if (batch.upserts.isEmpty())
        return;
    readMaxPacket();
    WriteCounts counts;
    writeRows(table(batch.entity), batch, &counts);
}

void MysqlConnector::deleteRows(const mysql::Table &t, const ChangeBatch &batch)
{
    const QList<ColumnInfo> keys = keyInfos(t, batch.keyColumns);
    const int width = int(keys.size());
    const QString stage = deleteStage(batch.entity);
    QStringList names;
    QStringList join;
    for (const ColumnInfo &key : keys) {
        names << Session::quote(key.name);
        join << QStringLiteral("t.%1 = d.%1").arg(Session::quote(key.name));
    }
    for (qsizetype start = 0; start < batch.deletes.size(); start += kKeysPerStatement) {
        const int count = int(qMin<qsizetype>(kKeysPerStatement, batch.deletes.size() - start));
        QVariantList values;
        for (int k = 0; k < count; ++k) {
            const KeyValues &key = batch.deletes.at(start + k);
            for (int i = 0; i < width; ++i)
                values << mysql::toParameter(key.value(i), keys.at(i).type);
        }
        m_session->run(kWrite, QStringLiteral("INSERT INTO %1 (%2) VALUES %3")
                                   .arg(stage, names.join(QStringLiteral(", ")), QStringList(count, tupleOf(width)).join(QStringLiteral(", "))),
                       values, "staging deleted keys");
    }
    m_session->run(kWrite, QStringLiteral("DELETE t FROM %1 t JOIN %2 d ON %3")
                               .arg(Session::quote(batch.entity), stage, join.join(QStringLiteral(" AND "))),
                   {}, "deleting rows");
}

void MysqlConnector::writeRows(const mysql::Table &t, const ChangeBatch &batch, WriteCounts *counts)
{
    const Schema &schema = *batch.schema;
    const QList<int> keyIndexes = schema.indexesOf(batch.keyColumns);
    QList<ValueType> keyTypes;
    for (int index : keyIndexes)
        keyTypes << schema.at(index).type;
    const QList<Row> rows = lastRowPerKey(batch.upserts, keyIndexes, keyTypes);

    const QList<ColumnInfo> keys = keyInfos(t, batch.keyColumns);
    qint64 existing = 0;
    if (!batch.intoEmpty) {
        QStringList names;
        QStringList params;
        for (const ColumnInfo &key : keys) {
            names << Session::quote(key.name);
            params << mysql::parameterExpression(key);
        }
        const QString tuple = QLatin1Char('(') + params.join(QStringLiteral(", ")) + QLatin1Char(')');
        for (qsizetype start = 0; start < rows.size(); start += kKeysPerStatement) {
            const int count = int(qMin<qsizetype>(kKeysPerStatement, rows.size() - start));
            QVariantList values;
            for (int k = 0; k < count; ++k) {
                for (int i = 0; i < keyIndexes.size(); ++i)
                    values << mysql::toParameter(rows.at(start + k).value(keyIndexes.at(i)), keyTypes.at(i));
            }
            QSqlQuery query = m_session->run(kWrite, QStringLiteral("SELECT COUNT(*) FROM %1 WHERE (%2) IN (%3)")
                                                         .arg(Session::quote(batch.entity), names.join(QStringLiteral(", ")),
                                                              QStringList(count, tuple).join(QStringLiteral(", "))),
                                             values, "counting existing keys");
            existing += query.next() ? query.value(0).toLongLong() : 0;
        }
    }

    QStringList columns;
    QStringList updates;
    for (const Column &column : schema.columns()) {
        const QString q = Session::quote(column.name);
        columns << q;
        if (!batch.keyColumns.contains(column.name))
            updates << QStringLiteral("%1 = VALUES(%1)").arg(q);
    }
    if (updates.isEmpty())
        updates << QStringLiteral("%1 = %1").arg(Session::quote(batch.keyColumns.first()));
    const QString head = QStringLiteral("INSERT INTO %1 (%2) VALUES ").arg(Session::quote(batch.entity), columns.join(QStringLiteral(", ")));
    const QString tail = batch.intoEmpty ? QString() : QStringLiteral(" ON DUPLICATE KEY UPDATE ") + updates.join(QStringLiteral(", "));
    const QString tuple = tupleOf(schema.size());
    const qint64 byteBudget = qMax<qint64>(64 * 1024, m_maxPacket / 2);
    qint64 affected = 0;
    qsizetype start = 0;
    while (start < rows.size()) {
        QVariantList values;
        qint64 bytes = head.size() + tail.size();
        qsizetype end = start;
        while (end < rows.size() && values.size() + schema.size() <= kMaxParameters) {
            qint64 rowBytes = tuple.size() + 2;
            QVariantList rowValues;
            for (int c = 0; c < schema.size(); ++c) {
                rowValues << mysql::toParameter(rows.at(end).value(c), schema.at(c).type);
                rowBytes += sizeOf(rowValues.last());
            }
            if (end > start && bytes + rowBytes > byteBudget)
                break;
            bytes += rowBytes;
            values << rowValues;
            ++end;
        }
        const int count = int(end - start);
        QSqlQuery query = m_session->run(kWrite, head + QStringList(count, tuple).join(QStringLiteral(", ")) + tail, values,
                                         "writing rows");
        affected += query.numRowsAffected();
        start = end;
    }
    const qint64 inserted = rows.size() - existing;
    const qint64 updated = qMax<qint64>(0, (affected - inserted) / 2);
    counts->inserted += inserted;
    counts->updated += updated;
    counts->unchanged += existing - updated;
}

} // namespace tf::sync
