#include "sqlitebackup.h"

#include "core/errors.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QSqlError>
#include <QThread>
#include <QUuid>
#include <sqlite3.h>

namespace tf::ops {

namespace {

constexpr int kPagesPerStep = 256;
constexpr int kBusyTimeoutMs = 30000;
constexpr int kLockedRetryMs = 60000;

[[noreturn]] void fail(const QString &what, sqlite3 *db)
{
    throw Error(Error::Kind::Unavailable,
                QStringLiteral("%1: %2").arg(what,
                                             db ? QString::fromUtf8(sqlite3_errmsg(db))
                                                : QStringLiteral("out of memory")));
}

// A sqlite3 handle closed on every path.
class Handle final
{
    Q_DISABLE_COPY_MOVE(Handle)
public:
    Handle(const QString &path, int flags, const QString &role)
    {
        const QByteArray file = QFileInfo(path).absoluteFilePath().toUtf8();
        if (sqlite3_open_v2(file.constData(), &m_db, flags, nullptr) != SQLITE_OK) {
            const QString message = QStringLiteral("opening the %1 %2: %3")
                                        .arg(role, path,
                                             m_db ? QString::fromUtf8(sqlite3_errmsg(m_db))
                                                  : QStringLiteral("out of memory"));
            close();
            throw Error(Error::Kind::Unavailable, message);
        }
        sqlite3_busy_timeout(m_db, kBusyTimeoutMs);
        sqlite3_extended_result_codes(m_db, 1);
    }
    ~Handle() { close(); }
    void close()
    {
        if (m_db)
            sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
    sqlite3 *get() const { return m_db; }

    void exec(const char *sql, const QString &what) const
    {
        if (sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
            fail(what, m_db);
    }
    // The first column of the first row as text ("" when there is none).
    QString text(const char *sql, const QString &what) const
    {
        sqlite3_stmt *statement = nullptr;
        if (sqlite3_prepare_v2(m_db, sql, -1, &statement, nullptr) != SQLITE_OK)
            fail(what, m_db);
        QString result;
        const int rc = sqlite3_step(statement);
        if (rc == SQLITE_ROW)
            result = QString::fromUtf8(
                reinterpret_cast<const char *>(sqlite3_column_text(statement, 0)));
        sqlite3_finalize(statement);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            fail(what, m_db);
        return result;
    }

private:
    sqlite3 *m_db = nullptr;
};

// Runs a backup from `source` to `destination` in steps, waiting while the destination is
// busy. Every page is written in one write transaction on the destination, committed only
// when the last step is done (sqlite3_backup_finish rolls back an unfinished one).
void copyPages(const Handle &source, const Handle &destination, const QString &what,
               const ProgressFn &progress, double from, double to)
{
    sqlite3_backup *backup = sqlite3_backup_init(destination.get(), "main", source.get(), "main");
    if (!backup)
        fail(what, destination.get());
    QDeadlineTimer busyDeadline(kLockedRetryMs);
    int rc = SQLITE_OK;
    while (true) {
        rc = sqlite3_backup_step(backup, kPagesPerStep);
        if (rc == SQLITE_DONE)
            break;
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            if (busyDeadline.hasExpired())
                break;
            QThread::msleep(50);
            continue;
        }
        if (rc != SQLITE_OK)
            break;
        busyDeadline.setRemainingTime(kLockedRetryMs);
        const int total = sqlite3_backup_pagecount(backup);
        const int remaining = sqlite3_backup_remaining(backup);
        if (progress && total > 0)
            progress(
                from + (to - from) * double(total - remaining) / double(total),
                QStringLiteral("%1: %2 of %3 pages").arg(what).arg(total - remaining).arg(total));
    }
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("%1: %2").arg(what, QString::fromUtf8(sqlite3_errstr(rc))));
    }
    const int finishCode = sqlite3_errcode(destination.get());
    if (finishCode != SQLITE_OK && finishCode != SQLITE_DONE)
        fail(what, destination.get());
    if (progress)
        progress(to, QStringLiteral("%1: done").arg(what));
}

} // namespace

void sqliteOnlineCopy(const QString &sourcePath, const QString &destinationPath,
                      const ProgressFn &progress, double from, double to)
{
    if (!QFileInfo::exists(sourcePath))
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("the database file %1 does not exist").arg(sourcePath));
    Handle source(sourcePath, SQLITE_OPEN_READWRITE, QStringLiteral("database"));
    // One read transaction for the whole copy: every step reads the same snapshot, and writes
    // by other connections meanwhile neither block the copy nor restart it.
    source.exec("BEGIN", QStringLiteral("starting the backup's read transaction"));
    source.text("SELECT count(*) FROM sqlite_master",
                QStringLiteral("starting the backup's read transaction"));
    {
        Handle destination(destinationPath, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                           QStringLiteral("backup file"));
        copyPages(source, destination, QStringLiteral("copying the database"), progress, from, to);
    }
    source.exec("COMMIT", QStringLiteral("ending the backup's read transaction"));
    source.close();

    // The copied header says WAL (the live database's mode); a fresh handle sees that, and
    // switching to DELETE checkpoints and leaves one self-contained file.
    Handle copy(destinationPath, SQLITE_OPEN_READWRITE, QStringLiteral("backup file"));
    const QString mode
        = copy.text("PRAGMA journal_mode=DELETE", QStringLiteral("finishing the backup file"));
    if (mode.compare(QLatin1String("delete"), Qt::CaseInsensitive) != 0)
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("finishing the backup file: journal mode stayed %1").arg(mode));
}

void sqliteRestoreInto(const QString &backupPath, const QString &livePath,
                       const ProgressFn &progress, double from, double to)
{
    Handle source(backupPath, SQLITE_OPEN_READONLY, QStringLiteral("backup file"));
    Handle destination(livePath, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                       QStringLiteral("database"));
    copyPages(source, destination, QStringLiteral("restoring the database"), progress, from, to);
}

QString sqliteQuickCheck(const QString &path)
{
    try {
        Handle handle(path, SQLITE_OPEN_READONLY, QStringLiteral("backup file"));
        const QString result
            = handle.text("PRAGMA quick_check", QStringLiteral("checking the backup file"));
        return result == QLatin1String("ok")
            ? QString()
            : QStringLiteral("not a sound SQLite database: %1").arg(result);
    } catch (const Error &error) {
        return QStringLiteral("not a sound SQLite database: %1").arg(error.message());
    }
}

QString sqliteLibraryVersion()
{
    return QString::fromLatin1(sqlite3_libversion());
}

SqliteFileConnection::SqliteFileConnection(const QString &path)
    : m_name(QStringLiteral("tf-sqlite-file-%1").arg(QUuid::createUuid().toString(QUuid::Id128)))
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
    if (!db.open())
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("opening %1: %2").arg(path, db.lastError().text()));
}

SqliteFileConnection::~SqliteFileConnection()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_name);
}

} // namespace tf::ops
