#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>

namespace tf::gateway {

// The client's address: the peer of the connection, or, when that peer is a trusted proxy,
// the address it reports in X-Forwarded-For. The header is read right to left, skipping
// trusted proxies, so a client cannot pose as someone else by sending its own header.
class ClientAddressResolver final
{
public:
    explicit ClientAddressResolver(QList<QPair<QHostAddress, int>> trustedProxies = {});

    QHostAddress resolve(const QHostAddress &peer, const QByteArray &forwardedFor) const;
    bool isTrusted(const QHostAddress &address) const;

    // ::ffff:a.b.c.d as a.b.c.d, so one client has one key whatever the socket family.
    static QHostAddress normalized(const QHostAddress &address);

private:
    QList<QPair<QHostAddress, int>> m_trusted;
};

} // namespace tf::gateway
