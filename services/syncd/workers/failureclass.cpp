#include "failureclass.h"

#include "core/errors.h"

#include <QRandomGenerator>
#include <algorithm>

namespace tf::syncd {

bool isStorageFailure(const QString &code, const QString &message)
{
    if (code == Error::codeFor(Error::Kind::InsufficientStorage))
        return true;
    // Connectors that report a full disk in their driver's words.
    static const char *const storageSigns[] = {
        "database or disk is full", "no space left on device", "could not extend file",
        "disk full",
    };
    const QString lower = message.toLower();
    for (const char *sign : storageSigns) {
        if (lower.contains(QLatin1String(sign)))
            return true;
    }
    return false;
}

FailureClass classifyFailure(const QString &code, const QString &message)
{
    if (code == Error::codeFor(Error::Kind::Unavailable)
        || code == Error::codeFor(Error::Kind::Timeout) || isStorageFailure(code, message))
        return FailureClass::Transient;
    // A driver error that reached us as Internal but is plainly about the connection or a
    // lock: still worth a retry.
    static const char *const transientSigns[] = {
        "deadlock detected",           "could not serialize",
        "serialization failure",       "server closed the connection",
        "no connection to the server", "terminating connection",
        "connection refused",          "connection reset",
        "connection timed out",        "timeout expired",
        "database is locked",          "circuit open",
    };
    const QString lower = message.toLower();
    for (const char *sign : transientSigns) {
        if (lower.contains(QLatin1String(sign)))
            return FailureClass::Transient;
    }
    return FailureClass::Permanent;
}

QString failureClassName(FailureClass failure)
{
    return failure == FailureClass::Transient ? QStringLiteral("transient")
                                              : QStringLiteral("permanent");
}

std::chrono::milliseconds retryDelay(int attempt, std::chrono::milliseconds base,
                                     std::chrono::milliseconds max)
{
    const int doublings = std::clamp(attempt - 1, 0, 20);
    const qint64 raw = std::min<qint64>(max.count(), base.count() << doublings);
    const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
    return std::chrono::milliseconds(qint64(double(raw) * jitter));
}

} // namespace tf::syncd
