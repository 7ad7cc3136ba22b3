#include "session.h"

#include "client/gatewayclient.h"
#include "settings/tokenkeychain.h"

#include <QJsonObject>
#include <QSettings>

namespace tf::console {

namespace {
// Which sign-in the keychain holds a token for: names only, never the token.
const QString RememberKey = QStringLiteral("connection/remember_me");
const QString RememberedGatewayKey = QStringLiteral("connection/remembered_gateway");
const QString RememberedUserKey = QStringLiteral("connection/remembered_user");

QString refusal(const ApiResult &reply)
{
    const QString message = reply.error.message();
    return message.isEmpty() ? Session::tr("HTTP %1").arg(reply.status) : message;
}

} // namespace

Session::Session(GatewayClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_keychain(new TokenKeychain(this))
    , m_remember(QSettings().value(RememberKey, false).toBool())
{ }

QString Session::gateway() const
{
    return m_client->baseUrl().toString(QUrl::RemoveUserInfo);
}

void Session::setRemember(bool remember)
{
    m_remember = remember;
    QSettings().setValue(RememberKey, remember);
}

QString Session::rememberedUser() const
{
    QSettings settings;
    return settings.value(RememberedGatewayKey).toString() == gateway() ? settings.value(RememberedUserKey).toString()
                                                                         : QString();
}

bool Session::hasRememberedSignIn() const
{
    return TokenKeychain::isBuiltIn() && !rememberedUser().isEmpty();
}

void Session::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    emit busyChanged(busy);
}

void Session::clear()
{
    m_client->setBearerToken(QByteArray());
    m_username.clear();
    m_role.clear();
    m_expiresAt = QDateTime();
    m_mustChangePassword = false;
    m_me = QJsonObject();
}

void Session::signIn(const QString &username, const QString &password)
{
    if (username.trimmed().isEmpty() || password.isEmpty()) {
        emit signInFailed(tr("Enter a user name and a password."));
        return;
    }
    clear();
    setBusy(true);
    const QJsonObject body { { QStringLiteral("username"), username.trimmed() },
                             { QStringLiteral("password"), password } };
    m_client->post(QStringLiteral("/api/auth/login"), body, this, [this](const ApiResult &reply) {
        if (!reply.ok()) {
            setBusy(false);
            emit signInFailed(refusal(reply));
            return;
        }
        const QJsonObject answer = reply.json.object();
        const QByteArray token = answer.value(QStringLiteral("token")).toString().toUtf8();
        if (token.isEmpty()) {
            setBusy(false);
            emit signInFailed(tr("The gateway answered the sign-in without a token."));
            return;
        }
        m_client->setBearerToken(token);
        const bool remember = m_remember && m_keychain->availability() != TokenKeychain::Availability::Unavailable;
        loadIdentity(
                [this, token, remember] {
                    if (remember)
                        keepToken(token);
                    else
                        forgetToken(m_username);
                },
                [this](const ApiResult &refused) {
                    emit signInFailed(tr("Signed in, but") + QLatin1Char(' ') + refusal(refused));
                });
    });
}

void Session::useToken(const QByteArray &token)
{
    clear();
    if (token.trimmed().isEmpty()) {
        emit signInFailed(tr("The token is empty."));
        return;
    }
    setBusy(true);
    m_client->setBearerToken(token.trimmed());
    loadIdentity({}, [this](const ApiResult &refused) {
        emit signInFailed(tr("The token was refused:") + QLatin1Char(' ') + refusal(refused));
    });
}

void Session::resumeRememberedSignIn()
{
    const QString user = rememberedUser();
    if (user.isEmpty()) {
        emit rememberedSignInFailed(QString());
        return;
    }
    clear();
    setBusy(true);
    m_keychain->read(gateway(), user, [this, user](const QByteArray &token, const QString &error) {
        if (token.isEmpty()) {
            setBusy(false);
            if (error.isEmpty())
                forgetToken(user); // the keychain no longer has it
            emit rememberedSignInFailed(error.isEmpty() ? QString()
                                                        : tr("The keychain did not give the remembered sign-in: %1").arg(error));
            return;
        }
        m_client->setBearerToken(token);
        loadIdentity({}, [this, user](const ApiResult &refused) {
            if (refused.status == 401) {
                forgetToken(user);
                emit rememberedSignInFailed(tr("The remembered sign-in has ended; sign in again."));
            } else {
                emit rememberedSignInFailed(tr("The remembered sign-in could not be checked:") + QLatin1Char(' ')
                                            + refusal(refused));
            }
        });
    });
}

void Session::loadIdentity(std::function<void()> onSuccess, std::function<void(const ApiResult &)> onFailure)
{
    m_client->get(QStringLiteral("/api/auth/me"), this, [this, onSuccess, onFailure](const ApiResult &reply) {
        setBusy(false);
        if (!reply.ok()) {
            clear();
            onFailure(reply);
            return;
        }
        const QJsonObject me = reply.json.object();
        m_me = me;
        m_username = me.value(QStringLiteral("username")).toString();
        m_role = me.value(QStringLiteral("role")).toString();
        m_expiresAt = QDateTime::fromString(me.value(QStringLiteral("expires_at")).toString(), Qt::ISODateWithMs);
        m_mustChangePassword = me.value(QStringLiteral("must_change_password")).toBool();
        if (m_username.isEmpty())
            m_username = me.value(QStringLiteral("name")).toString();
        if (m_username.isEmpty())
            m_username = tr("(token)");
        if (onSuccess)
            onSuccess();
        emit signedIn();
    });
}

void Session::keepToken(const QByteArray &token)
{
    const QString user = m_username;
    const QString url = gateway();
    m_keychain->store(url, user, token, [this, url, user](bool ok, const QString &error) {
        if (ok) {
            QSettings settings;
            settings.setValue(RememberedGatewayKey, url);
            settings.setValue(RememberedUserKey, user);
        }
        emit keychainUpdated(ok, error);
    });
}

void Session::forgetToken(const QString &username)
{
    // Only a sign-in this console remembered is deleted: an unticked box on a machine that
    // never stored one must not make the keychain ask to be unlocked.
    if (username.isEmpty() || rememberedUser() != username)
        return;
    QSettings settings;
    settings.remove(RememberedGatewayKey);
    settings.remove(RememberedUserKey);
    m_keychain->remove(gateway(), username, [this](bool ok, const QString &error) { emit keychainUpdated(ok, error); });
}

void Session::signOut()
{
    if (!isSignedIn())
        return;
    // Revoke at the gateway, then forget locally whatever the answer (the token may be dead).
    m_client->post(QStringLiteral("/api/auth/logout"), QJsonObject(), this, [](const ApiResult &) {});
    forgetToken(m_username);
    clear();
    emit signedOut(tr("Signed out."));
}

void Session::expire(const QString &reason)
{
    if (!isSignedIn())
        return;
    forgetToken(m_username); // the gateway refused the token: a remembered copy is dead too
    clear();
    emit signedOut(reason);
}

void Session::passwordChanged()
{
    m_mustChangePassword = false;
    m_me.insert(QStringLiteral("must_change_password"), false);
}

} // namespace tf::console
