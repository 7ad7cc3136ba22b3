#include "session.h"

#include "client/gatewayclient.h"

#include <QJsonObject>

namespace tf::console {

namespace {

QString refusal(const ApiResult &reply)
{
    const QString message = reply.error.message();
    return message.isEmpty() ? Session::tr("HTTP %1").arg(reply.status) : message;
}

} // namespace

Session::Session(GatewayClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{ }

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
        loadIdentity(tr("Signed in, but"));
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
    loadIdentity(tr("The token was refused:"));
}

void Session::loadIdentity(const QString &failurePrefix)
{
    m_client->get(QStringLiteral("/api/auth/me"), this, [this, failurePrefix](const ApiResult &reply) {
        setBusy(false);
        if (!reply.ok()) {
            clear();
            emit signInFailed(failurePrefix + QLatin1Char(' ') + refusal(reply));
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
        emit signedIn();
    });
}

void Session::signOut()
{
    if (!isSignedIn())
        return;
    // Revoke at the gateway, then forget locally whatever the answer (the token may be dead).
    m_client->post(QStringLiteral("/api/auth/logout"), QJsonObject(), this, [](const ApiResult &) {});
    clear();
    emit signedOut(tr("Signed out."));
}

void Session::expire(const QString &reason)
{
    if (!isSignedIn())
        return;
    clear();
    emit signedOut(reason);
}

void Session::passwordChanged()
{
    m_mustChangePassword = false;
    m_me.insert(QStringLiteral("must_change_password"), false);
}

} // namespace tf::console
