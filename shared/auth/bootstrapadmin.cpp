#include "bootstrapadmin.h"

#include "core/errors.h"
#include "core/paths.h"
#include "db/connection.h"
#include "db/repositories/userrepository.h"

#include <QDir>
#include <QFile>
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
    writeOnce(file, password.toUtf8() + '\n');
    try {
        transaction.commit();
    } catch (...) {
        QFile::remove(file); // no account behind it
        throw;
    }
    result.created = true;
    result.passwordFile = file;
    return result;
}

} // namespace tf::auth
