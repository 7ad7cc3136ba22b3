#pragma once

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <QSet>
#include <QString>
#include <functional>

namespace tf::sync::pg {

class PgSession;

// The write path's temporary tables, created once per server connection (ON COMMIT DELETE
// ROWS: every commit empties them) instead of CREATE ... ON COMMIT DROP in every batch.
// They are created outside the batch's transaction, so a rolled-back batch cannot take the
// table with it. A connection is known by its libpq handle and server process id: a
// reconnect is a new connection and gets its tables anew.
class PgTempTables final
{
    Q_DISABLE_COPY_MOVE(PgTempTables)
public:
    PgTempTables() = default;

    // The name of the temporary table for `shape` (any text that changes whenever the
    // columns or their types change), running the statement `create(name)` on this
    // connection the first time. Call while no transaction is open.
    QString ensure(PgSession &session, const QString &prefix, const QString &shape,
                   const std::function<QString(const QString &name)> &create, const QString &what);

private:
    QMutex m_mutex;
    QSet<QByteArray> m_created;
};

// One statement whose single result row holds integers (e.g. counts); NULLs read as 0.
QList<qint64> queryIntegers(PgSession &session, const QByteArray &sql, const QString &what,
                            const QList<QByteArray> &params = {});

} // namespace tf::sync::pg
