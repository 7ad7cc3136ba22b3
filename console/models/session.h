#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QString>

namespace tf::console {

class GatewayClient;

// The console's sign-in with the gateway: POST /api/auth/login gives a bearer token that the
// console's GatewayClient then sends on every call. The token lives in memory only; signing out
// revokes it at the gateway (POST /api/auth/logout). No widgets here, so tests drive it
// against a real gateway.
class Session final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Session)

public:
    explicit Session(GatewayClient *client, QObject *parent = nullptr);

    bool isSignedIn() const { return !m_username.isEmpty(); }
    QString username() const { return m_username; }
    QString role() const { return m_role; }
    QDateTime expiresAt() const { return m_expiresAt; }
    bool mustChangePassword() const { return m_mustChangePassword; }
    bool isBusy() const { return m_busy; }
    // The last answer of /api/auth/me (role, permissions), empty when signed out.
    QJsonObject me() const { return m_me; }

    void signIn(const QString &username, const QString &password);
    // A program token (tfk_...) given on the command line or in a file: checked with /api/auth/me.
    void useToken(const QByteArray &token);
    void signOut();
    // A call answered 401: the token expired or was revoked.
    void expire(const QString &reason);
    // POST /api/auth/password succeeded: the gateway no longer holds this session back.
    void passwordChanged();

signals:
    void signedIn();
    void signInFailed(const QString &message);
    void signedOut(const QString &reason);
    void busyChanged(bool busy);

private:
    void setBusy(bool busy);
    void loadIdentity(const QString &failurePrefix);
    void clear();

    GatewayClient *m_client;
    QJsonObject m_me;
    QString m_username;
    QString m_role;
    QDateTime m_expiresAt;
    bool m_mustChangePassword = false;
    bool m_busy = false;
};

} // namespace tf::console
