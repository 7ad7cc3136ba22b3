#include "bootstrapadmin.h"

#include "core/errors.h"
#include "core/paths.h"
#include "db/connection.h"
#include "db/repositories/userrepository.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace tf::auth {

namespace {

constexpr qint64 kBootstrapLock = 0x7466626f6f747374; // "tfbootst"

// O_EXCL: never replaces a file that is already there, even one made a moment ago by another
// process sharing the data directory.
void writeOnce(const QString &path, const QByteArray &data)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int error = errno;
        if (error == EEXIST) {
            throw Error(
                Error::Kind::Conflict,
                QStringLiteral(
                    "%1 already exists but the users table is empty; move the old file away "
                    "and restart tf-gateway to create a new admin account")
                    .arg(path));
        }
        throw Error(Error::Kind::Internal,
                    QStringLiteral("cannot write %1: %2")
                        .arg(path, QString::fromLocal8Bit(std::strerror(error))));
    }
    qsizetype written = 0;
    while (written < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + written, size_t(data.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int error = errno;
            ::close(fd);
            ::unlink(native.constData());
            throw Error(Error::Kind::Internal,
                        QStringLiteral("cannot write %1: %2")
                            .arg(path, QString::fromLocal8Bit(std::strerror(error))));
        }
        written += n;
    }
    ::fsync(fd);
    ::close(fd);
}

// Gives the complete staged file its name (link: never replaces a file that is there), then
// drops the staged name.
void publish(const QString &staged, const QString &file)
{
    const QByteArray from = QFile::encodeName(staged);
    const QByteArray to = QFile::encodeName(file);
    if (::link(from.constData(), to.constData()) != 0) {
        const int error = errno;
        throw Error(Error::Kind::Internal,
                    QStringLiteral("the admin account was created but its password file could not be named %1 (%2); "
                                   "the password is in %3")
                        .arg(file, QString::fromLocal8Bit(std::strerror(error)), staged));
    }
    ::unlink(from.constData());
}

} // namespace

QString initialAdminPasswordFile(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("initial-admin-password"));
}

bool needsBootstrapAdmin(const db::Database &database)
{
    return db::UserRepository(database).count() == 0;
}

BootstrapResult bootstrapAdmin(const db::Database &database, const QString &dataDir,
                               const QString &password, const QString &passwordHash)
{
    BootstrapResult result;
    db::UserRepository users(database);
    if (users.count() > 0)
        return result; // the common case, without taking a lock

    db::Transaction transaction(database);
    transaction.lock(kBootstrapLock);
    if (users.count() > 0)
        return result; // another gateway was first
    users.create(QStringLiteral("admin"), passwordHash, QStringLiteral("admin"), true);
    paths::ensureDir(dataDir);
    const QString file = initialAdminPasswordFile(dataDir);
    if (QFileInfo::exists(file))
        throw Error(Error::Kind::Conflict,
                    QStringLiteral("%1 already exists but the users table is empty; move the old file away "
                                   "and restart tf-gateway to create a new admin account")
                        .arg(file));
    // The file appears whole, and only once the account behind it is committed: whoever waits
    // for it (an installer, a test) never reads it empty or half written, nor signs in before
    // the account exists. It is written beside its name first; a staged file left by a process
    // that died here belongs to an account that was never committed (we hold the lock).
    const QString staged = file + QStringLiteral(".new");
    QFile::remove(staged);
    writeOnce(staged, password.toUtf8() + '\n');
    try {
        transaction.commit();
    } catch (...) {
        QFile::remove(staged); // no account behind it
        throw;
    }
    publish(staged, file);
    result.created = true;
    result.passwordFile = file;
    return result;
}

} // namespace tf::auth
