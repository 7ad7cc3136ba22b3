#include "sqliteconnector.h"

#include "db/connection.h"
#include "sqlitetable.h"

#include <QSqlQuery>

namespace tf::sync {

qint64 SqliteConnector::estimateRows(const ReadRequest &request, const QString &cursorColumn,
                                     const std::optional<Checkpoint> &after)
{
    if (!cursorColumn.isEmpty() && after)
        return kUnknownRows;
    table(request.entity); // throws naming an entity that does not exist
    const db::Database &db = database();
    QSqlQuery query = db.prepare(QStringLiteral("SELECT count(*) FROM %1")
                                     .arg(db.dialect().quoteIdentifier(request.entity)));
    db.exec(query, "counting the rows of a table");
    return query.next() ? query.value(0).toLongLong() : kUnknownRows;
}

} // namespace tf::sync
