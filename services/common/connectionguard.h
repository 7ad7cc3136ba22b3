#pragma once

#include "httplimits.h"

#include <QHash>
#include <QHostAddress>
#include <QSslConfiguration>
#include <QTcpServer>

#include <optional>

class QTcpSocket;

namespace tf::http {

// A QTcpServer that looks at every connection's bytes before QHttpServer parses them and
// enforces HttpLimits: oversize bodies (413), header blocks (431) and URLs (414) are answered
// and the connection closed without the server buffering them; requests whose framing is
// ambiguous or malformed (RequestFraming: request smuggling) get 400 bad_framing and the
// connection is closed; idle connections are closed; connections per client address are
// capped. Qt 6.4's server has none of these.
class ConnectionGuard final : public QTcpServer
{
    Q_OBJECT

public:
    explicit ConnectionGuard(HttpLimits limits, QObject *parent = nullptr);

    // Accept TLS connections with this configuration: each socket is handed to the HTTP server
    // once its handshake is done, and the limits apply to the decrypted bytes.
    void setTlsConfiguration(const QSslConfiguration &configuration) { m_tls = configuration; }

    int openConnections() const;
    qint64 rejectedRequests() const { return m_rejected; }

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    void inspect(QTcpSocket *socket);
    void reject(QTcpSocket *socket, int status, const QByteArray &code, const QString &message);

    HttpLimits m_limits;
    std::optional<QSslConfiguration> m_tls;
    QHash<QHostAddress, int> m_perAddress;
    qint64 m_rejected = 0;
};

} // namespace tf::http
