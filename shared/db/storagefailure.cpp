#include "storagefailure.h"

#include <QFileInfo>
#include <QJsonObject>
#include <QLocale>
#include <QStorageInfo>

namespace tf::db {

namespace {

enum class Storage { None, Full, ReadOnly, IoError };

Storage classify(const QSqlError &error, const QString &text)
{
    const QString code = error.nativeErrorCode();
    if (code == QLatin1String("53100") || code == QLatin1String("53200"))
        return Storage::Full;
    if (code == QLatin1String("25006"))
        return Storage::ReadOnly;
    // SQLite: the primary code is the low byte of an extended one (SQLITE_IOERR_WRITE = 778).
    // PostgreSQL's SQLSTATEs are always five characters, some of them digits only.
    bool numeric = false;
    const int sqlite = code.toInt(&numeric) & 0xff;
    numeric = numeric && code.size() < 5;
    if (numeric && sqlite == 13) // SQLITE_FULL
        return Storage::Full;
    if (numeric && sqlite == 8) // SQLITE_READONLY
        return Storage::ReadOnly;
    if (numeric && sqlite == 10) // SQLITE_IOERR
        return Storage::IoError;
    // The driver text when a code did not come through (a failed COMMIT on some paths).
    if (text.contains(QLatin1String("database or disk is full"))
        || text.contains(QLatin1String("No space left on device")))
        return Storage::Full;
    if (text.contains(QLatin1String("readonly database")))
        return Storage::ReadOnly;
    if (text.contains(QLatin1String("disk I/O error")))
        return Storage::IoError;
    return Storage::None;
}

QString humanBytes(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

// The free space of the file system holding path (its folder when the file is gone); -1 unknown.
qint64 bytesAvailable(const QString &path)
{
    QFileInfo info(path);
    QStorageInfo storage(info.exists() ? path : info.absolutePath());
    storage.refresh();
    return storage.isValid() ? storage.bytesAvailable() : -1;
}

} // namespace

bool isStorageFailure(const QSqlError &error, const QString &text)
{
    return classify(error, text) != Storage::None;
}

std::optional<Error> storageError(const DatabaseUrl &url, const QSqlError &error, const QString &text,
                                  const QString &what)
{
    const Storage storage = classify(error, text);
    if (storage == Storage::None)
        return std::nullopt;
    if (!url.isPostgres()) {
        const QString path = url.sqlitePath;
        const qint64 available = bytesAvailable(path);
        QJsonObject details { { QStringLiteral("path"), path } };
        QString free;
        if (available >= 0) {
            details.insert(QStringLiteral("bytes_available"), available);
            free = QStringLiteral(", %1 available").arg(humanBytes(available));
        }
        QString message;
        switch (storage) {
        case Storage::Full:
            message = QStringLiteral("the disk holding the database %1 is full%2").arg(path, free);
            break;
        case Storage::ReadOnly:
            message = QStringLiteral("the database %1 is read-only (file permissions or a read-only "
                                     "file system)%2").arg(path, free);
            break;
        default:
            message = QStringLiteral("the disk holding the database %1 reports an I/O error (full, "
                                     "failing or removed)%2").arg(path, free);
            break;
        }
        const QString remedy = storage == Storage::ReadOnly ? QStringLiteral("make it writable and retry")
                                                            : QStringLiteral("free space there and retry");
        return Error(Error::Kind::InsufficientStorage,
                     QStringLiteral("%1 while %2: %3; %4").arg(message, what, text, remedy), details);
    }
    const QString server = url.host.isEmpty() ? QStringLiteral("localhost") : url.host;
    const QString where = QStringLiteral("%1:%2").arg(server).arg(url.port > 0 ? url.port : 5432);
    const QJsonObject details { { QStringLiteral("server"), where },
                                { QStringLiteral("database"), url.database } };
    const QString message = storage == Storage::ReadOnly
        ? QStringLiteral("the PostgreSQL database %1 on %2 is read-only (a standby, or "
                         "default_transaction_read_only)").arg(url.database, where)
        : QStringLiteral("the PostgreSQL server %1 has no room left for the database %2 (disk or "
                         "memory full)").arg(where, url.database);
    return Error(Error::Kind::InsufficientStorage,
                 QStringLiteral("%1 while %2: %3").arg(message, what, text), details);
}

} // namespace tf::db
