#include "compatibility.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace tf::console {

int Compatibility::majorOf(const QString &version)
{
    static const QRegularExpression leading(QStringLiteral("^\\s*v?(\\d+)"));
    const QRegularExpressionMatch match = leading.match(version);
    bool ok = false;
    const int major = match.hasMatch() ? match.captured(1).toInt(&ok) : -1;
    return ok ? major : -1;
}

Compatibility Compatibility::check(const QString &clientVersion, const QString &serverVersion, const QString &serverApiVersion)
{
    Compatibility result;
    const auto tr = [](const char *text) { return QCoreApplication::translate("tf::console::Compatibility", text); };
    if (!serverApiVersion.isEmpty() && serverApiVersion != clientApiVersion()) {
        result.compatible = false;
        result.reason = tr("The server speaks API %1; this console speaks API %2.").arg(serverApiVersion, clientApiVersion());
        return result;
    }
    if (serverVersion.isEmpty())
        return result;
    const int client = majorOf(clientVersion);
    const int server = majorOf(serverVersion);
    if (client < 0 || server < 0 || client != server) {
        result.compatible = false;
        result.reason = tr("The server is version %1 and this console %2: their major versions differ.")
                                .arg(serverVersion, clientVersion);
    }
    return result;
}

} // namespace tf::console
