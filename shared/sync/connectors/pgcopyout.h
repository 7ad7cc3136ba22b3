#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

typedef struct pg_result PGresult;

namespace tf::sync::pg {

class PgSession;

// COPY ... TO STDOUT in text format through libpq (PQgetCopyData): one line per row, without
// a PGresult per row. Errors are the tf::Error kinds QtSql's reads had: Unavailable for a lost
// connection, Timeout for a lock, Internal otherwise, the message starting with `what`.
// Destroying it before the end cancels the COPY and drains it, so the connection stays usable.
class PgCopyOut final
{
    Q_DISABLE_COPY_MOVE(PgCopyOut)
public:
    PgCopyOut(PgSession &session, const QByteArray &copySql, QString what);
    ~PgCopyOut();

    // The next row's line without its newline, valid until the next call; false at the end.
    bool next(QByteArrayView *line);

private:
    void releaseLine();
    [[noreturn]] void raise(const PGresult *result);

    PgSession &m_session;
    QString m_what;
    char *m_line = nullptr;
    bool m_open = false;
};

// COPY takes no parameters, so values are bound to session settings instead
// (set_config('tf.read_0', $1, false)...) and the query reads them with current_setting():
// the SQL never holds a value. Returns, for each value in order, the text expression that
// reads it back (NULL for a null QByteArray).
QStringList bindAsSettings(PgSession &session, const QList<QByteArray> &values,
                           const QString &what);

} // namespace tf::sync::pg
