#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

namespace tf::db {
class Database;
}

namespace tf::sync {

// An operation's log lines (operation_logs), read in pages by line id: a reader that tails a
// running operation asks for the lines after the last one it holds and gets only new ones.
class OperationLog final
{
public:
    struct Line
    {
        qint64 id = 0;
        QDateTime createdAt;
        QString text;
        QString level; // info, warning or error: levelOf(text)
    };

    explicit OperationLog(const db::Database &control);

    // Up to `limit` lines of the operation with an id above afterId, oldest first.
    QList<Line> page(qint64 operationId, qint64 afterId, int limit) const;

    // The level of a line, from what the executor writes: "error" for a failure that ended the
    // operation ("failed…", "finished: failed…"), "warning" for what went wrong without ending
    // it (a transient failure retried, a lost lease, an entity stopped, a cancel, completed
    // with errors), "info" otherwise.
    static QString levelOf(const QString &text);

private:
    const db::Database &m_database;
};

} // namespace tf::sync
