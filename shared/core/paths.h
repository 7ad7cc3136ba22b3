#pragma once

#include <QFileDevice>
#include <QString>

namespace tf::paths {

// $XDG_DATA_HOME/terrafusion, else ~/.local/share/terrafusion. The packaged service passes
// --data-dir /var/lib/terrafusion through its systemd unit.
QString defaultDataDir();

// Creates the directory (and parents) if needed with owner-only permissions; throws
// tf::Error(Validation) naming the path when it cannot.
QString ensureDir(const QString &path);

QString logsDir(const QString &dataDir);
QString backupsDir(const QString &dataDir);
QString recoveryScriptsDir(const QString &dataDir);
QString runDir(const QString &dataDir);
QString sqliteDatabaseFile(const QString &dataDir);

// Writes a whole file atomically (temporary file + rename) with the given permissions.
bool writeFileAtomically(const QString &path, const QByteArray &data,
                         QFileDevice::Permissions permissions = QFileDevice::ReadOwner | QFileDevice::WriteOwner);

} // namespace tf::paths
