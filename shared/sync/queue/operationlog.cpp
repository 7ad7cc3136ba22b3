#include "operationlog.h"

#include "db/connection.h"

#include <QRegularExpression>
#include <QSqlQuery>

namespace tf::sync {

OperationLog::OperationLog(const db::Database &control)
    : m_database(control)
{ }

QList<OperationLog::Line> OperationLog::page(qint64 operationId, qint64 afterId, int limit) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "SELECT id, created_at, line FROM operation_logs WHERE operation_id = ? AND id > ? "
        "ORDER BY id LIMIT ?"));
    query.addBindValue(operationId);
    query.addBindValue(afterId);
    query.addBindValue(limit);
    m_database.exec(query, "reading operation log lines");
    QList<Line> lines;
    while (query.next()) {
        Line line;
        line.id = query.value(0).toLongLong();
        line.createdAt = m_database.dialect().fromDb(query.value(1));
        line.text = query.value(2).toString();
        line.level = levelOf(line.text);
        lines << line;
    }
    return lines;
}

QString OperationLog::levelOf(const QString &text)
{
    static const QRegularExpression error(QStringLiteral("^(failed\\b|finished: failed\\b)"));
    static const QRegularExpression warning(QStringLiteral(
        "^(attempt \\d+ failed|finished: completed_with_errors\\b|cancel|entity \\S+ stopped\\b)"
        "|lost the lease|lease of node \\S+ expired"));
    if (error.match(text).hasMatch())
        return QStringLiteral("error");
    if (warning.match(text).hasMatch())
        return QStringLiteral("warning");
    return QStringLiteral("info");
}

} // namespace tf::sync
