#include "maintenancepause.h"

#include "core/errors.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>
#include <cerrno>
#include <csignal>

namespace tf::ops {

namespace {

bool processExists(qint64 pid)
{
    return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

MaintenancePause::State readLock(const QString &path, bool *stale)
{
    MaintenancePause::State state;
    *stale = false;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return state;
    const QJsonObject object = QJsonDocument::fromJson(file.readAll()).object();
    state.active = true;
    state.reason = object.value(QStringLiteral("reason")).toString(QStringLiteral("maintenance"));
    state.pid = object.value(QStringLiteral("pid")).toInteger();
    state.host = object.value(QStringLiteral("host")).toString();
    state.since = QDateTime::fromString(object.value(QStringLiteral("since")).toString(),
                                        Qt::ISODateWithMs);
    // Half-written (a holder writing right now) counts as held; a dead holder on this host does
    // not.
    if (state.pid > 0 && state.host == QSysInfo::machineHostName() && !processExists(state.pid)) {
        state.active = false;
        *stale = true;
    }
    return state;
}

} // namespace

QString MaintenancePause::State::describe() const
{
    return QStringLiteral("%1 (pid %2 on %3, since %4)")
        .arg(reason)
        .arg(pid)
        .arg(host, since.isValid() ? since.toString(Qt::ISODate) : QStringLiteral("?"));
}

QString MaintenancePause::pathFor(const QString &dataDir)
{
    return dataDir + QStringLiteral("/maintenance.lock");
}

MaintenancePause::State MaintenancePause::current(const QString &lockPath)
{
    if (lockPath.isEmpty() || !QFileInfo::exists(lockPath))
        return {};
    bool stale = false;
    return readLock(lockPath, &stale);
}

MaintenancePause::MaintenancePause(QString lockPath, const QString &reason)
    : m_path(std::move(lockPath))
{
    const QByteArray content
        = QJsonDocument(QJsonObject {
                            { QStringLiteral("reason"), reason },
                            { QStringLiteral("pid"), QCoreApplication::applicationPid() },
                            { QStringLiteral("host"), QSysInfo::machineHostName() },
                            { QStringLiteral("since"),
                              QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) },
                        })
              .toJson(QJsonDocument::Compact);
    for (int attempt = 0; attempt < 2; ++attempt) {
        QFile file(m_path);
        // NewOnly is O_EXCL: of two processes taking the pause at once, one wins.
        if (file.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
            if (file.write(content) != content.size() || !file.flush()) {
                file.close();
                QFile::remove(m_path);
                throw Error(Error::Kind::Unavailable,
                            QStringLiteral("cannot write %1").arg(m_path));
            }
            return;
        }
        if (!QFileInfo::exists(m_path))
            throw Error(Error::Kind::Unavailable,
                        QStringLiteral("cannot create %1: %2").arg(m_path, file.errorString()));
        bool stale = false;
        const State holder = readLock(m_path, &stale);
        if (!stale)
            throw Error(
                Error::Kind::Conflict,
                QStringLiteral(
                    "maintenance is already in progress: %1; wait for it to finish (or remove %2 "
                    "if that process is gone)")
                    .arg(holder.describe(), m_path));
        QFile::remove(m_path); // left behind by a holder that died
    }
    throw Error(Error::Kind::Conflict,
                QStringLiteral("another process took the maintenance lock %1").arg(m_path));
}

MaintenancePause::~MaintenancePause()
{
    QFile::remove(m_path);
}

} // namespace tf::ops
