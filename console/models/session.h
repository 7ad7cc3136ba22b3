#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>

namespace tf::console {

class GatewayClient;
class TokenKeychain;
struct ApiResult;

// The console's sign-in with the gateway: POST /api/auth/login gives a bearer token that the
// console's GatewayClient then sends on every call. The token lives in memory only, unless the
// user asks to be remembered: then it (never the password) goes to the system keychain
// (TokenKeychain), keyed by gateway and user, and the next start signs in with it silently.
// Signing out revokes it at the gateway (POST /api/auth/logout) and deletes the keychain entry;
// a remembered token the gateway refuses (401) is deleted too. No widgets here, so tests drive
// it against a real gateway.
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
    // The gateway URL as the keychain and the window name it (without user info).
    QString gateway() const;

    TokenKeychain *keychain() const { return m_keychain; }
    // Whether the next password sign-in keeps its token in the keychain (false: it deletes
    // any token kept for that user). Starts as the last choice (QSettings, no secret).
    bool remember() const { return m_remember; }
    void setRemember(bool remember);
    // A token is remembered for this gateway (QSettings names the user; the token is in the keychain).
    bool hasRememberedSignIn() const;
    QString rememberedUser() const;

    void signIn(const QString &username, const QString &password);
    // A program token (tfk_...) given on the command line or in a file: checked with /api/auth/me.
    void useToken(const QByteArray &token);
    // Signs in with the remembered token: signedIn(), or rememberedSignInFailed() (a refused
    // token is deleted from the keychain first).
    void resumeRememberedSignIn();
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
    // No remembered token, or it was refused: the sign-in dialog takes over (reason may be empty).
    void rememberedSignInFailed(const QString &reason);
    // A keychain write or delete finished (after a sign-in, sign-out or refused token).
    void keychainUpdated(bool ok, const QString &error);

private:
    void setBusy(bool busy);
    void loadIdentity(std::function<void()> onSuccess, std::function<void(const ApiResult &)> onFailure);
    void clear();
    void keepToken(const QByteArray &token);
    void forgetToken(const QString &username);

    GatewayClient *m_client;
    TokenKeychain *m_keychain;
    QJsonObject m_me;
    QString m_username;
    QString m_role;
    QDateTime m_expiresAt;
    bool m_mustChangePassword = false;
    bool m_busy = false;
    bool m_remember = false;
};

} // namespace tf::console
