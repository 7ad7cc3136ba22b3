#include "serverlist.h"

#include <QSettings>

namespace tf::console {

namespace {
const QString ServersKey = QStringLiteral("servers");
const QString UrlKey = QStringLiteral("url");
const QString CaFileKey = QStringLiteral("ca_file");
const QString ActiveKey = QStringLiteral("connection/active_server");
const QString LastGatewayKey = QStringLiteral("connection/last_gateway");
} // namespace

QList<ServerEntry> ServerList::load()
{
    QSettings settings;
    QList<ServerEntry> servers;
    const int size = settings.beginReadArray(ServersKey);
    for (int i = 0; i < size; ++i) {
        settings.setArrayIndex(i);
        const QString url = settings.value(UrlKey).toString();
        if (!url.isEmpty())
            servers.append({ url, settings.value(CaFileKey).toString() });
    }
    settings.endArray();
    if (servers.isEmpty())
        servers.append({ settings.value(LastGatewayKey, defaultUrl()).toString(), QString() });
    return servers;
}

int ServerList::activeIndex()
{
    const int count = int(load().size());
    return qBound(0, QSettings().value(ActiveKey, 0).toInt(), count - 1);
}

ServerEntry ServerList::active()
{
    return load().at(activeIndex());
}

void ServerList::save(const QList<ServerEntry> &servers, int active)
{
    QSettings settings;
    settings.remove(ServersKey);
    settings.beginWriteArray(ServersKey, int(servers.size()));
    for (int i = 0; i < servers.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(UrlKey, servers.at(i).url);
        settings.setValue(CaFileKey, servers.at(i).caFile);
    }
    settings.endArray();
    settings.setValue(ActiveKey, qBound(0, active, qMax(0, int(servers.size()) - 1)));
}

void ServerList::makeActive(const QString &url)
{
    QList<ServerEntry> servers = load();
    int index = -1;
    for (int i = 0; i < servers.size() && index < 0; ++i) {
        if (servers.at(i).url == url)
            index = i;
    }
    if (index < 0) {
        servers.append({ url, QString() });
        index = int(servers.size()) - 1;
    }
    save(servers, index);
}

} // namespace tf::console
