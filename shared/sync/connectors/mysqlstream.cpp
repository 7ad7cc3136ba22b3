#include "mysqlstream.h"

#include "core/errors.h"
#include "mysqlvalues.h"

#include <mysql.h>

#include <sys/socket.h>

#include <cstring>
#include <mutex>

namespace tf::sync::mysql {

namespace {

// The server waits this long (seconds) for the reader to take rows while the prefetch queue
// is full (the target writing): far past any batch, so only a dead reader is cut off.
constexpr int kNetWriteTimeout = 3600;

bool isClientError(unsigned int code)
{
    return code >= 2000 && code < 3000; // CR_*: libmariadb's own (connection lost, gone away...)
}

} // namespace

StreamedRead::StreamedRead(const Settings &settings)
    : m_settings(settings)
{
    // mysql_init() initialises the library on first use, which is not thread-safe; QMYSQL does
    // it when it loads, but a streamed read may come first.
    static std::once_flag libraryReady;
    std::call_once(libraryReady, [] { mysql_library_init(0, nullptr, nullptr); });
    m_mysql = mysql_init(nullptr);
    if (!m_mysql)
        throw Error(Error::Kind::Internal, QStringLiteral("MySQL: cannot allocate a connection"));
    const unsigned int connectTimeout = 5; // as Session's MYSQL_OPT_CONNECT_TIMEOUT
    mysql_options(m_mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout);
    mysql_options(m_mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    // Host and socket are passed as QMYSQL passes them (Session::open), so both paths reach the
    // same server the same way.
    const QByteArray host = m_settings.host.toUtf8();
    const QByteArray user = m_settings.user.toUtf8();
    const QByteArray password = m_settings.password.toUtf8();
    const QByteArray database = m_settings.database.toUtf8();
    const QByteArray socket = m_settings.socket.toUtf8();
    if (!mysql_real_connect(m_mysql, host.isEmpty() ? nullptr : host.constData(), user.constData(), password.constData(),
                            database.constData(), unsigned(m_settings.port), socket.isEmpty() ? nullptr : socket.constData(), 0)) {
        const QString failure = QString::fromUtf8(mysql_error(m_mysql));
        mysql_close(m_mysql);
        m_mysql = nullptr;
        throw Error(Error::Kind::Unavailable, QStringLiteral("MySQL at %1 unavailable: %2").arg(m_settings.describe(), failure),
                    QJsonObject { { QStringLiteral("system"), m_settings.describe() } });
    }
    try {
        exec(kSessionSetup, "setting up the connection");
        exec(kIsolation, "setting up the connection");
        exec(QStringLiteral("SET SESSION net_write_timeout = %1").arg(kNetWriteTimeout), "setting up the connection");
        exec(QStringLiteral("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"), "starting a transaction");
        bindZeroDate();
    } catch (...) {
        mysql_close(m_mysql);
        m_mysql = nullptr;
        throw;
    }
}

StreamedRead::~StreamedRead()
{
    if (!m_mysql)
        return;
    if (m_result) {
        // mysql_free_result() would read (and drop) every row still to come; with the socket
        // shut it stops at once, and the server ends the query and the transaction.
        ::shutdown(int(mysql_get_socket(m_mysql)), SHUT_RDWR);
        mysql_free_result(m_result);
    }
    mysql_close(m_mysql);
}

void StreamedRead::exec(const QString &sql, const char *what)
{
    const QByteArray text = sql.toUtf8();
    if (mysql_real_query(m_mysql, text.constData(), text.size()) != 0)
        fail(what);
    if (mysql_field_count(m_mysql) > 0) { // a statement with rows we do not want
        MYSQL_RES *result = mysql_store_result(m_mysql);
        if (!result)
            fail(what);
        mysql_free_result(result);
    }
}

void StreamedRead::bindZeroDate()
{
    const ZeroDate &zero = m_settings.zeroDate;
    if (!zero.mapped)
        return;
    // As mysql::bindZeroDate does on a Session: SET @tf_zero_date = ?, the date (or NULL) bound.
    const QByteArray sql = QStringLiteral("SET %1 = ?").arg(zeroDateVariable()).toUtf8();
    MYSQL_STMT *stmt = mysql_stmt_init(m_mysql);
    if (!stmt)
        fail("setting zero_date");
    QByteArray date = zero.date.toUtf8();
    unsigned long length = static_cast<unsigned long>(date.size());
    MYSQL_BIND bind;
    std::memset(&bind, 0, sizeof bind);
    if (zero.date.isEmpty()) {
        bind.buffer_type = MYSQL_TYPE_NULL;
    } else {
        bind.buffer_type = MYSQL_TYPE_STRING;
        bind.buffer = date.data();
        bind.buffer_length = length;
        bind.length = &length;
    }
    const bool ok = mysql_stmt_prepare(stmt, sql.constData(), sql.size()) == 0 && mysql_stmt_bind_param(stmt, &bind) == 0
        && mysql_stmt_execute(stmt) == 0;
    const unsigned int code = mysql_stmt_errno(stmt);
    const QString text = QString::fromUtf8(mysql_stmt_error(stmt));
    mysql_stmt_close(stmt);
    if (!ok)
        raiseError(m_settings, int(code), text, isClientError(code), "setting zero_date");
}

bool StreamedRead::run(const QString &sql, const RowHandler &row)
{
    const QByteArray text = sql.toUtf8();
    if (mysql_real_query(m_mysql, text.constData(), text.size()) != 0)
        fail("reading rows");
    m_result = mysql_use_result(m_mysql);
    if (!m_result)
        fail("reading rows");
    while (MYSQL_ROW fields = mysql_fetch_row(m_result)) {
        if (!row(fields, mysql_fetch_lengths(m_result)))
            return false; // the destructor cuts the rest short
    }
    // mysql_fetch_row() returns NULL at the end and on an error alike: only mysql_errno tells
    // a complete read from one the server or the network ended (KILL, shutdown, lost link).
    if (mysql_errno(m_mysql) != 0)
        fail("reading rows");
    mysql_free_result(m_result);
    m_result = nullptr;
    return true;
}

void StreamedRead::commit()
{
    exec(QStringLiteral("COMMIT"), "committing");
}

unsigned long StreamedRead::connectionId() const
{
    return mysql_thread_id(m_mysql);
}

void StreamedRead::fail(const char *what)
{
    const unsigned int code = mysql_errno(m_mysql);
    raiseError(m_settings, int(code), QString::fromUtf8(mysql_error(m_mysql)), isClientError(code), what);
}

} // namespace tf::sync::mysql
