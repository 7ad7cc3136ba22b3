#pragma once

#include "mysqlsession.h"

#include <QString>

#include <functional>

struct st_mysql;
struct st_mysql_res;

namespace tf::sync::mysql {

// One connection on libmariadb's C API for a read streamed as one SELECT (the text protocol:
// mysql_real_query + mysql_use_result), as PgCopyOut is for PostgreSQL. QMYSQL runs prepared
// statements with mysql_stmt_store_result, which holds a whole result in memory, so a read
// through it goes by keyset pages of batchSize rows (pagedRead), each a query of its own; here
// the server runs one SELECT and the rows arrive as the caller takes them (the socket's flow
// control bounds what is in flight).
//
// The connection is set up as Session's are (the same host, port, socket, user, password,
// database; utf8mb4; kSessionSetup's sql_mode and time_zone; kIsolation) and opens
// START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY, then binds the zero_date mapping
// (bindZeroDate's @tf_zero_date), so a read sees one snapshot and the same text as a paged
// read. net_write_timeout is raised: the server waits while the caller's queue is full.
class StreamedRead final
{
    Q_DISABLE_COPY_MOVE(StreamedRead)
public:
    // A row's fields as libmariadb gives them: UTF-8 text (nullptr for NULL) and lengths.
    using RowHandler = std::function<bool(const char *const *fields, const unsigned long *lengths)>;

    // Connects and opens the snapshot; throws a mapped tf::Error (Unavailable when the server
    // cannot be reached).
    explicit StreamedRead(const Settings &settings);
    // Closes the connection. A result not read to its end is cut short by closing the socket
    // (reading the rest would take as long as the read itself); the server rolls back.
    ~StreamedRead();

    // Runs `sql` (no values: identifiers and expressions only) and hands every row to `row`
    // (false: stop; the rest is not read, and run() returns false). A connection lost or killed
    // mid-read throws (mysql_errno after the last fetch), never ends the read as if complete.
    bool run(const QString &sql, const RowHandler &row);
    // Ends the snapshot transaction after a complete read (run() returned true).
    void commit();
    // The server's id of this connection (CONNECTION_ID()).
    unsigned long connectionId() const;

private:
    void exec(const QString &sql, const char *what);
    void bindZeroDate();
    [[noreturn]] void fail(const char *what);

    Settings m_settings;
    st_mysql *m_mysql = nullptr;
    st_mysql_res *m_result = nullptr; // an unfinished result (run() stopped early or threw)
};

} // namespace tf::sync::mysql
