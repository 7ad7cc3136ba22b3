#include "clientaddress.h"

namespace tf::gateway {

ClientAddressResolver::ClientAddressResolver(QList<QPair<QHostAddress, int>> trustedProxies)
    : m_trusted(std::move(trustedProxies))
{ }

QHostAddress ClientAddressResolver::normalized(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4 && address.protocol() == QAbstractSocket::IPv6Protocol)
        return QHostAddress(v4);
    QHostAddress copy = address;
    copy.setScopeId(QString());
    return copy;
}

bool ClientAddressResolver::isTrusted(const QHostAddress &address) const
{
    const QHostAddress plain = normalized(address);
    for (const auto &subnet : m_trusted) {
        if (plain.isInSubnet(subnet))
            return true;
    }
    return false;
}

QHostAddress ClientAddressResolver::resolve(const QHostAddress &peer,
                                            const QByteArray &forwardedFor) const
{
    QHostAddress client = normalized(peer);
    if (m_trusted.isEmpty() || forwardedFor.isEmpty() || !isTrusted(client))
        return client;
    const QList<QByteArray> hops = forwardedFor.split(',');
    for (qsizetype i = hops.size() - 1; i >= 0; --i) {
        QByteArray hop = hops.at(i).trimmed();
        // "[v6]:port" and "v4:port" forms some proxies write.
        if (hop.startsWith('[') && hop.contains(']'))
            hop = hop.mid(1, hop.indexOf(']') - 1);
        else if (hop.count(':') == 1)
            hop = hop.left(hop.indexOf(':'));
        QHostAddress address;
        if (!address.setAddress(QString::fromLatin1(hop)))
            break; // garbage: trust nothing further left
        client = normalized(address);
        if (!isTrusted(client))
            break;
    }
    return client;
}

} // namespace tf::gateway
