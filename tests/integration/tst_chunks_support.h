#pragma once
// Helpers of tst_chunks: the operation's totals, a table's fingerprint, SQL on a scratch
// database, and the operation_chunks rows of an operation.
#include "db/connection.h"
#include "db/repositories/operationrepository.h"

#include <QJsonObject>
#include <QSqlQuery>
#include <QStringList>

namespace chunktest {

using namespace tf;

// The key NodeCluster gives every node (TF_SECRET_KEY): systems written here must open there.
inline const QString kSecretKey
    = QStringLiteral("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

inline QJsonObject totals(const db::OperationRecord &record)
{
    return record.statistics.value(QStringLiteral("totals")).toObject();
}

inline bool finished(const db::OperationRecord &record)
{
    return record.status != QLatin1String("queued") && record.status != QLatin1String("running");
}

// count|md5 of every row in key order: values, NULLs and the key all count.
inline QString fingerprint(const QString &url, const QString &table, const QString &key)
{
    db::Database database(db::DatabaseUrl::parse(url));
    QSqlQuery query = database.prepare(
        QStringLiteral("SELECT count(*), md5(string_agg(concat_ws('|', %2, name, value, measured_at, "
                       "COALESCE(note, '<null>')), ',' ORDER BY %2)) FROM %1")
            .arg(table, key));
    database.exec(query, "fingerprinting a table");
    query.next();
    const QString text = query.value(0).toString() + QLatin1Char('|') + query.value(1).toString();
    query.finish();
    database.closeThreadConnection();
    return text;
}

inline void exec(const QString &url, const QStringList &statements)
{
    db::Database database(db::DatabaseUrl::parse(url));
    for (const QString &statement : statements)
        database.execDirect(statement, "preparing test data");
    database.closeThreadConnection();
}

struct ChunkRow
{
    int chunkNo = 0;
    QString status;
    QString nodeId;
    int attempt = 0;
    QString checkpoint;
    qint64 rowsDone = 0;
};

inline QList<ChunkRow> chunksOf(db::Database &control, qint64 operationId)
{
    QSqlQuery query = control.prepare(
        QStringLiteral("SELECT chunk_no, status, node_id, attempt, checkpoint_key, rows_done "
                       "FROM operation_chunks WHERE operation_id = ? ORDER BY chunk_no"));
    query.addBindValue(operationId);
    control.exec(query, "reading chunks");
    QList<ChunkRow> rows;
    while (query.next())
        rows << ChunkRow { query.value(0).toInt(), query.value(1).toString(), query.value(2).toString(),
                           query.value(3).toInt(), query.value(4).toString(), query.value(5).toLongLong() };
    return rows;
}

} // namespace chunktest
