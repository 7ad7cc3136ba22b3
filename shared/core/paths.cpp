#include "paths.h"

#include "errors.h"

#include <QDir>
#include <QSaveFile>

namespace tf::paths {

QString defaultDataDir()
{
    QString base = qEnvironmentVariable("XDG_DATA_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.local/share");
    return base + QStringLiteral("/terrafusion");
}

QString ensureDir(const QString &path)
{
    const QString absolute = QDir(path).absolutePath();
    QDir dir(absolute);
    if (!dir.exists()) {
        if (!QDir().mkpath(absolute)) {
            throw Error(Error::Kind::Validation,
                        QStringLiteral("cannot create directory '%1'").arg(absolute));
        }
        QFile::setPermissions(absolute, QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                            | QFileDevice::ExeOwner);
    }
    return absolute;
}

QString logsDir(const QString &dataDir) { return dataDir + QStringLiteral("/logs"); }
QString backupsDir(const QString &dataDir) { return dataDir + QStringLiteral("/backups"); }
QString recoveryScriptsDir(const QString &dataDir) { return dataDir + QStringLiteral("/recovery_scripts"); }
QString runDir(const QString &dataDir) { return dataDir + QStringLiteral("/run"); }
QString sqliteDatabaseFile(const QString &dataDir) { return dataDir + QStringLiteral("/terrafusion.db"); }

bool writeFileAtomically(const QString &path, const QByteArray &data,
                         QFileDevice::Permissions permissions)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.setPermissions(permissions);
    if (file.write(data) != data.size())
        return false;
    return file.commit();
}

} // namespace tf::paths
