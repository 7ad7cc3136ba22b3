#include "statelookup.h"

#include "db/connection.h"

#include <QSqlQuery>

namespace tf::sync {

QList<StateEntry> lookUpState(const db::Database &database, const QString &stateTable, const QString &pairId,
                              const QString &entity, const QStringList &sourceKeys)
{
    QList<StateEntry> found;
    constexpr qsizetype kChunk = 500; // within SQLite's 999 parameters
    for (qsizetype start = 0; start < sourceKeys.size(); start += kChunk) {
        const qsizetype rows = qMin(kChunk, sourceKeys.size() - start);
        QSqlQuery query = database.prepare(
            QStringLiteral("SELECT source_key, hash, target_key FROM %1 WHERE pair_id = ? AND entity = ? AND source_key IN (%2)")
                .arg(stateTable, QStringList(rows, QStringLiteral("?")).join(u',')));
        query.addBindValue(pairId);
        query.addBindValue(entity);
        for (qsizetype i = 0; i < rows; ++i)
            query.addBindValue(sourceKeys.at(start + i));
        database.exec(query, "looking up sync state");
        while (query.next())
            found << StateEntry { query.value(0).toString(), query.value(1).toString().toLatin1(), query.value(2).toString() };
    }
    return found;
}

} // namespace tf::sync
