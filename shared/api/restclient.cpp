#include "restclient.h"

#include "tfversion.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonParseError>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>

namespace tf::api {

Q_LOGGING_CATEGORY(lcRestClient, "api.client")

namespace {

bool isSuccess(int status) { return status >= 200 && status < 300; }

// RFC 9457 problem details, the platform's error body: "detail" is the message.
QString errorMessageFrom(const QJsonDocument &json)
{
    return json.object().value(QLatin1String("detail")).toString();
}

} // namespace

RestClient::RestClient(QUrl baseUrl, QObject *parent)
    : QObject(parent)
    , m_baseUrl(std::move(baseUrl))
{
    m_network.setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
}

void RestClient::setBearerToken(const QByteArray &token) { m_bearerToken = token; }

void RestClient::setTimeoutMs(int timeoutMs) { m_timeoutMs = timeoutMs > 0 ? timeoutMs : DefaultTimeoutMs; }

QUrl RestClient::urlFor(const QString &path) const
{
    // Appended rather than resolved, so a base URL with a path prefix keeps it.
    QString base = m_baseUrl.toString(QUrl::StripTrailingSlash);
    if (!path.startsWith(QLatin1Char('/')))
        base += QLatin1Char('/');
    return QUrl(base + path, QUrl::StrictMode);
}

QNetworkRequest RestClient::requestFor(const QUrl &url, bool hasBody) const
{
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArrayLiteral("terrafusion-restclient/" TF_VERSION_STRING));
    if (hasBody)
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!m_bearerToken.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_bearerToken);
    return request;
}

void RestClient::get(const QString &path, QObject *context, Callback callback)
{
    start(QByteArrayLiteral("GET"), path, nullptr, context, std::move(callback));
}

void RestClient::send(const QByteArray &method, const QString &path, const QJsonObject &body,
                      QObject *context, Callback callback)
{
    const QByteArray verb = method.toUpper();
    const bool bodyless = body.isEmpty() && (verb == "GET" || verb == "DELETE" || verb == "HEAD");
    const QByteArray payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
    start(verb, path, bodyless ? nullptr : &payload, context, std::move(callback));
}

void RestClient::start(const QByteArray &method, const QString &path, const QByteArray *body,
                       QObject *context, Callback callback)
{
    const QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    const auto deliver = [guard, hasContext, callback = std::move(callback)](const Reply &reply) {
        if (callback && (!hasContext || guard))
            callback(reply);
    };

    const QUrl url = urlFor(path);
    if (!url.isValid() || url.host().isEmpty()) {
        Reply reply;
        reply.error = QStringLiteral("The address %1 is not a valid URL.")
                          .arg(m_baseUrl.toString() + path);
        QTimer::singleShot(0, this, [deliver, reply] { deliver(reply); });
        return;
    }

    QElapsedTimer clock;
    clock.start();
    QNetworkReply *networkReply = body
            ? m_network.sendCustomRequest(requestFor(url, true), method, *body)
            : m_network.sendCustomRequest(requestFor(url, false), method);

    // A whole-request deadline (QNetworkRequest's transfer timeout only measures silence).
    auto *deadline = new QTimer(networkReply);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, networkReply, [networkReply] {
        networkReply->setProperty("tfTimedOut", true);
        networkReply->abort();
    });
    deadline->start(m_timeoutMs);

    connect(networkReply, &QNetworkReply::finished, this, [this, networkReply, clock, deliver] {
        networkReply->deleteLater();
        const Reply reply = replyFrom(networkReply, networkReply->property("tfTimedOut").toBool(),
                                      clock.elapsed());
        if (!reply.error.isEmpty())
            qCDebug(lcRestClient).noquote() << "request failed:" << reply.error;
        deliver(reply);
    });
}

RestClient::Reply RestClient::replyFrom(QNetworkReply *networkReply, bool timedOut,
                                        qint64 elapsedMs) const
{
    Reply reply;
    reply.elapsedMs = elapsedMs;
    const QString where = networkReply->url().toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);

    if (timedOut) {
        reply.error = QStringLiteral("No answer from %1 within %2 ms.").arg(where).arg(m_timeoutMs);
        return reply;
    }
    reply.status = networkReply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply.status == 0) {
        reply.error = QStringLiteral("Cannot reach %1: %2.").arg(where, networkReply->errorString());
        return reply;
    }

    reply.body = networkReply->readAll();
    QJsonParseError parseError{};
    if (!reply.body.trimmed().isEmpty())
        reply.json = QJsonDocument::fromJson(reply.body, &parseError);

    if (!isSuccess(reply.status)) {
        QString message = errorMessageFrom(reply.json);
        if (message.isEmpty()) {
            const QString reason = networkReply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
            message = QStringLiteral("%1 answered HTTP %2%3.")
                              .arg(where)
                              .arg(reply.status)
                              .arg(reason.isEmpty() ? QString() : QString(QLatin1Char(' ') + reason));
        }
        reply.error = message;
        return reply;
    }

    const QString contentType = networkReply->header(QNetworkRequest::ContentTypeHeader).toString();
    if (reply.json.isNull() && !reply.body.trimmed().isEmpty() && contentType.contains(QLatin1String("json")))
        reply.error = QStringLiteral("%1 sent malformed JSON: %2.").arg(where, parseError.errorString());
    return reply;
}

RestClient::Reply RestClient::getBlocking(const QString &path)
{
    QEventLoop loop;
    Reply result;
    bool done = false;
    get(path, &loop, [&](const Reply &reply) {
        result = reply;
        done = true;
        loop.quit();
    });
    if (!done)
        loop.exec();
    return result;
}

} // namespace tf::api
