#pragma once

#include <QList>
#include <QString>

namespace tf::console {

// The gateways the console knows (Settings → Servers): each a URL and an optional CA file for
// an https gateway; one is active, and the console connects to it at start when no --gateway
// is given. Stored in QSettings under servers/ (URLs and file names only, never a token).
struct ServerEntry
{
    QString url;
    QString caFile;
    bool operator==(const ServerEntry &other) const { return url == other.url && caFile == other.caFile; }
};

class ServerList final
{
public:
    static QString defaultUrl() { return QStringLiteral("http://127.0.0.1:5000"); }

    // The saved list; never empty: without one, the last gateway used (or the default).
    static QList<ServerEntry> load();
    static int activeIndex();
    static ServerEntry active();
    // Saves the list and which entry is active (clamped into the list).
    static void save(const QList<ServerEntry> &servers, int active);
    // Makes url the active entry, adding it when it is not in the list (--gateway, a sign-in).
    static void makeActive(const QString &url);
};

} // namespace tf::console
