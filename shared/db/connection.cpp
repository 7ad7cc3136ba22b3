#include "connection.h"
#include "sqlerrortext.h"

#include "core/errors.h"
#include "core/logging.h"
#include "core/redact.h"
#include "storagefailure.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutexLocker>
#include <QSqlDriver>
#include <QSqlError>
#include <QStringList>
#include <QThread>
#include <atomic>
#include <optional>
#include <utility>

namespace tf::db {

namespace {

std::atomic<quint64> g_nextDatabaseId { 1 };

void removeConnection(const QString &name, bool ownThread)
{
    if (!QCoreApplication::instance() || !QSqlDatabase::contains(name))
        return;
    if (ownThread) {
        // Close in the owning thread; the copy must be gone before removeDatabase, or Qt
        // warns that the connection is still in use.
        QSqlDatabase db = QSqlDatabase::database(name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

// Names of the connections this thread opened; removed when the thread ends.
struct ThreadConnections
{
    QStringList names;
    bool watchingFinished = false;

    void removeAll()
    {
        const QStringList current = std::exchange(names, {});
        for (const QString &name : current)
            removeConnection(name, true);
    }
    ~ThreadConnections() { removeAll(); }
};

thread_local ThreadConnections t_connections;

// A QThread's finished() is emitted in the thread before wait() returns, whereas
// thread_local destructors run later; removing on finished() makes the cleanup observable
// to whoever joined the thread. The destructor covers threads Qt did not start.
void removeWhenThreadFinishes()
{
    if (t_connections.watchingFinished)
        return;
    t_connections.watchingFinished = true;
    QThread *thread = QThread::currentThread();
    QObject::connect(
        thread, &QThread::finished, thread, [] { t_connections.removeAll(); },
        Qt::DirectConnection);
}

bool isConnectionLoss(const QSqlError &error, const QString &text)
{
    const QString code = error.nativeErrorCode();
    return error.type() == QSqlError::ConnectionError || code.startsWith(QLatin1String("08"))
        || code.startsWith(QLatin1String("57P"))
        || text.contains(QLatin1String("server closed the connection"))
        || text.contains(QLatin1String("no connection to the server"))
        || text.contains(QLatin1String("terminating connection"));
}

bool isOneOf(const QString &code, std::initializer_list<const char *> codes)
{
    for (const char *candidate : codes) {
        if (code == QLatin1String(candidate))
            return true;
    }
    return false;
}

} // namespace

QString sqlError(const QSqlQuery &query)
{
    return sqlError(query.lastError());
}

QString sqlError(const QSqlError &error)
{
    QString text = error.databaseText().trimmed();
    const QString driverText = error.driverText().trimmed();
    if (!driverText.isEmpty() && !text.contains(driverText))
        text = text.isEmpty() ? driverText : driverText + QStringLiteral(": ") + text;
    return redactSecrets(text.isEmpty() ? QStringLiteral("unknown error") : text);
}

Database::Database(DatabaseUrl url)
    : m_url(std::move(url))
    , m_dialect(m_url.backend)
    , m_id(g_nextDatabaseId++)
{ }

Database::~Database()
{
    QSet<QString> names;
    {
        QMutexLocker locker(&m_mutex);
        names.swap(m_connectionNames);
    }
    for (const QString &name : std::as_const(names))
        removeConnection(name, t_connections.names.removeAll(name) > 0);
}

QSqlDatabase Database::connection() const
{
    const QString name = QStringLiteral("tf-db-%1-%2")
                             .arg(m_id)
                             .arg(reinterpret_cast<quintptr>(QThread::currentThreadId()), 0, 16);
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen())
            return db;
    }
    return open(name);
}

QSqlDatabase Database::open(const QString &name) const
{
    const QString driver = m_url.driverName();
    if (!QSqlDatabase::isDriverAvailable(driver))
        throw Error(
            Error::Kind::Unavailable,
            QStringLiteral("database unavailable: Qt SQL driver %1 is not installed").arg(driver));
    if (!m_url.isPostgres()) {
        const QString dir = QFileInfo(m_url.sqlitePath).absolutePath();
        if (!QDir().mkpath(dir))
            throw Error(
                Error::Kind::Unavailable,
                QStringLiteral("database unavailable: cannot create directory %1").arg(dir));
    }

    QString failure;
    std::optional<Error> storage; // a full disk is its own answer, not "unavailable"
    {
        QSqlDatabase db = QSqlDatabase::contains(name) ? QSqlDatabase::database(name, false)
                                                       : QSqlDatabase::addDatabase(driver, name);
        if (m_url.isPostgres()) {
            db.setHostName(m_url.host);
            db.setPort(m_url.port);
            db.setUserName(m_url.user);
            db.setPassword(m_url.password);
            db.setDatabaseName(m_url.database);
        } else {
            db.setDatabaseName(m_url.sqlitePath);
        }
        db.setConnectOptions(m_url.connectOptions());
        if (db.open()) {
            try {
                if (m_url.isPostgres()) {
                    // QPSQL reads timestamptz text as UTC; make sure the session says so.
                    QSqlQuery query(db);
                    if (!query.exec(QStringLiteral("SET TIME ZONE 'UTC'")))
                        failure = sqlError(query);
                    // "relation ... already exists, skipping" and the like are not for operators.
                    else if (!query.exec(QStringLiteral("SET client_min_messages = warning")))
                        failure = sqlError(query);
                } else {
                    configureSqlite(db);
                    // The control database holds users, token hashes and encrypted credentials:
                    // owner only (SQLite gives its -wal and -shm files the same mode).
                    if (m_url.sqlitePath != QLatin1String(":memory:") && QFile::exists(m_url.sqlitePath))
                        QFile::setPermissions(m_url.sqlitePath, QFile::ReadOwner | QFile::WriteOwner);
                }
            } catch (const Error &error) {
                failure = error.message();
                if (error.kind() == Error::Kind::InsufficientStorage)
                    storage = error;
            }
            if (failure.isEmpty()) {
                QMutexLocker locker(&m_mutex);
                m_connectionNames.insert(name);
                if (!t_connections.names.contains(name))
                    t_connections.names.append(name);
                removeWhenThreadFinishes();
                qCDebug(lcDb, "opened %s connection %s", qPrintable(m_dialect.name()),
                        qPrintable(name));
                return db;
            }
            db.close();
        } else {
            const QSqlError error = db.lastError();
            failure = redactSecrets(error.databaseText().trimmed().isEmpty()
                                        ? error.text()
                                        : error.databaseText().trimmed());
        }
    }
    QSqlDatabase::removeDatabase(name);
    if (storage)
        throw *storage;
    throw Error(Error::Kind::Unavailable, QStringLiteral("database unavailable: ") + failure,
                QJsonObject { { QStringLiteral("database"), m_url.redacted() } });
}

void Database::configureSqlite(QSqlDatabase &db) const
{
    // WAL lets readers run beside the one writer; busy_timeout waits for the write lock
    // instead of failing; NORMAL is durable enough with WAL and much faster than FULL.
    const QStringList pragmas { QStringLiteral("PRAGMA busy_timeout=5000"),
                                QStringLiteral("PRAGMA journal_mode=WAL"),
                                QStringLiteral("PRAGMA foreign_keys=ON"),
                                QStringLiteral("PRAGMA synchronous=NORMAL") };
    for (const QString &pragma : pragmas) {
        QSqlQuery query(db);
        if (query.exec(pragma))
            continue;
        // Opening a WAL database creates its -wal and -shm files: on a full disk that is the
        // first thing to fail, and it must say so (and where) like any write.
        if (std::optional<Error> storage = storageError(m_url, query.lastError(), sqlError(query), pragma))
            throw *storage;
        throw Error(Error::Kind::Unavailable, pragma + QStringLiteral(": ") + sqlError(query));
    }
}

void Database::closeThreadConnection() const
{
    const QString name = QStringLiteral("tf-db-%1-%2")
                             .arg(m_id)
                             .arg(reinterpret_cast<quintptr>(QThread::currentThreadId()), 0, 16);
    {
        QMutexLocker locker(&m_mutex);
        m_connectionNames.remove(name);
    }
    t_connections.names.removeAll(name);
    removeConnection(name, true);
}

QSqlQuery Database::prepare(const QString &sql) const
{
    QSqlQuery query(connection());
    if (!query.prepare(sql))
        raise(query, "preparing a statement");
    return query;
}

void Database::exec(QSqlQuery &query, const char *what) const
{
    if (!query.exec())
        raise(query, what);
}

void Database::execDirect(const QString &sql, const char *what) const
{
    QSqlQuery query(connection());
    if (!query.exec(sql))
        raise(query, what);
}

void Database::raise(const QSqlQuery &query, const char *what) const
{
    const QSqlError error = query.lastError();
    const QString text = sqlError(query);
    const QString code = error.nativeErrorCode();
    const QString message = QString::fromLatin1(what) + QStringLiteral(": ") + text;

    // A full disk or a read-only database is its own answer (507), for every statement.
    if (std::optional<Error> storage = storageError(m_url, error, text, QString::fromLatin1(what))) {
        qCWarning(lcDb, "%s", qPrintable(storage->message()));
        throw *storage;
    }
    // PostgreSQL SQLSTATEs; SQLite primary/extended codes and messages.
    if (isOneOf(code, { "23505", "23503", "2067", "1555", "787" })
        || text.contains(QLatin1String("UNIQUE constraint failed"))
        || text.contains(QLatin1String("FOREIGN KEY constraint failed")))
        throw Error(Error::Kind::Conflict, message);
    if (isOneOf(code, { "23514", "23502", "275", "1299" })
        || text.contains(QLatin1String("CHECK constraint failed"))
        || text.contains(QLatin1String("NOT NULL constraint failed")))
        throw Error(Error::Kind::Validation, message);
    if (isOneOf(code, { "5", "6", "55P03" }) || text.contains(QLatin1String("database is locked")))
        throw Error(Error::Kind::Timeout, QStringLiteral("database busy: ") + message);
    // QSQLITE reports every failed step as a ConnectionError, so only PostgreSQL can lose one.
    if (m_dialect.isPostgres() && isConnectionLoss(error, text)) {
        closeThreadConnection(); // the next call reconnects
        throw Error(Error::Kind::Unavailable, QStringLiteral("database unavailable: ") + text);
    }
    qCWarning(lcDb, "%s", qPrintable(message));
    throw Error(Error::Kind::Internal, QStringLiteral("database error while ") + message);
}

Transaction::Transaction(const Database &database)
    : m_database(database)
{
    m_connectionName = m_database.connection().connectionName();
    m_database.execDirect(m_database.dialect().isPostgres() ? QStringLiteral("BEGIN")
                                                            : QStringLiteral("BEGIN IMMEDIATE"),
                          "beginning a transaction");
    m_active = true;
}

Transaction::~Transaction()
{
    if (!m_active)
        return;
    try {
        rollback();
    } catch (const Error &error) {
        qCWarning(lcDb, "rollback failed: %s", qPrintable(error.message()));
    }
}

void Transaction::lock(qint64 key)
{
    if (!m_database.dialect().isPostgres())
        return;
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT pg_advisory_xact_lock(?)"));
    query.addBindValue(key);
    m_database.exec(query, "taking an advisory lock");
}

void Transaction::commit()
{
    m_active = false;
    m_database.execDirect(QStringLiteral("COMMIT"), "committing a transaction");
}

void Transaction::rollback()
{
    if (!m_active)
        return;
    m_active = false;
    // After a lost connection the thread's connection is gone: nothing to roll back.
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    m_database.execDirect(QStringLiteral("ROLLBACK"), "rolling back a transaction");
}

} // namespace tf::db
