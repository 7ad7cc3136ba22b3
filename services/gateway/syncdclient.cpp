#include "syncdclient.h"

#include "upstream/upstreampool.h"

#include <QMetaObject>
#include <QPointer>

#include <algorithm>
#include <memory>

namespace tf::gateway {

namespace {

bool safeFieldText(const QByteArray &text)
{
    return !text.contains('\r') && !text.contains('\n') && !text.contains('\0');
}

} // namespace

SyncdClient::SyncdClient(QUrl baseUrl, int timeoutMs, http::ServiceToken token, QObject *parent)
    : QObject(parent)
    , m_baseUrl(std::move(baseUrl))
    , m_timeoutMs(timeoutMs)
    , m_token(std::move(token))
{
    const bool tls = m_baseUrl.scheme() == QLatin1String("https");
    m_basePath = m_baseUrl.path(QUrl::FullyEncoded).toUtf8();
    if (m_basePath.endsWith('/'))
        m_basePath.chop(1);
    m_host = m_baseUrl.authority(QUrl::RemoveUserInfo | QUrl::FullyEncoded).toUtf8();
    m_pool = new UpstreamPool(m_baseUrl.host(), quint16(m_baseUrl.port(tls ? 443 : 80)), tls, kConnections, this);
}

void SyncdClient::request(const QByteArray &method, const QString &pathAndQuery,
                          const QByteArray &body,
                          const QList<QPair<QByteArray, QByteArray>> &headers, QObject *context,
                          Callback callback, int timeoutMs)
{
    send(method, pathAndQuery, body, headers, timeoutMs > 0 ? timeoutMs : m_timeoutMs, context,
         std::move(callback));
}

void SyncdClient::get(const QString &pathAndQuery, QObject *context, Callback callback, int timeoutMs)
{
    send("GET", pathAndQuery, {}, {}, timeoutMs > 0 ? timeoutMs : m_timeoutMs, context, std::move(callback));
}

void SyncdClient::send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                       const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs,
                       QObject *context, Callback callback)
{
    QPointer<QObject> guard(context);
    const bool needsContext = context != nullptr;
    auto deliver = [guard, needsContext, callback = std::move(callback)](const Result &result) {
        if (needsContext && !guard)
            return; // whoever asked is gone
        callback(result);
    };

    // The request target, encoded as QUrl encodes it.
    QUrl target;
    const qsizetype question = pathAndQuery.indexOf(QLatin1Char('?'));
    target.setPath(question < 0 ? pathAndQuery : pathAndQuery.left(question));
    if (question >= 0)
        target.setQuery(pathAndQuery.mid(question + 1));
    QByteArray requestTarget = m_basePath + target.path(QUrl::FullyEncoded).toUtf8();
    if (question >= 0)
        requestTarget += '?' + target.query(QUrl::FullyEncoded).toUtf8();

    // The caller's fields replace the defaults of the same name (its own Authorization, say).
    QList<QPair<QByteArray, QByteArray>> fields;
    fields.reserve(headers.size() + 2);
    fields.append({ QByteArrayLiteral("Authorization"), m_token.authorization() });
    bool valid = safeFieldText(method) && safeFieldText(requestTarget) && !requestTarget.contains(' ');
    for (const auto &header : headers) {
        valid = valid && safeFieldText(header.first) && safeFieldText(header.second) && !header.first.contains(':');
        auto same = std::find_if(fields.begin(), fields.end(), [&](const auto &field) {
            return field.first.compare(header.first, Qt::CaseInsensitive) == 0;
        });
        if (same != fields.end())
            same->second = header.second;
        else
            fields.append(header);
    }
    const bool hasContentType = std::any_of(fields.cbegin(), fields.cend(), [](const auto &field) {
        return field.first.compare("Content-Type", Qt::CaseInsensitive) == 0;
    });
    if (!body.isEmpty() && !hasContentType)
        fields.append({ QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") });
    if (!valid) {
        // Never put a line break into the request head (header injection): refuse the call.
        Result result;
        result.error = QStringLiteral("refused to send a header field with a line break or NUL");
        QMetaObject::invokeMethod(this, [deliver, result] { deliver(result); }, Qt::QueuedConnection);
        return;
    }

    auto request = std::make_shared<UpstreamPool::Request>();
    QByteArray &wire = request->wire;
    wire.reserve(256 + requestTarget.size() + body.size());
    wire += method + ' ' + requestTarget + " HTTP/1.1\r\nHost: " + m_host + "\r\n";
    for (const auto &field : fields)
        wire += field.first + ": " + field.second + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH")
        wire += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    wire += "\r\n";
    wire += body;
    request->idempotent = UpstreamPool::idempotent(method);
    request->headRequest = method == "HEAD";
    request->timeoutMs = timeoutMs;
    request->done = [deliver = std::move(deliver), request = request.get()](UpstreamPool::Response &&response) {
        Result result;
        result.elapsedMs = request->submitted.elapsed();
        result.status = response.status;
        result.body = std::move(response.body);
        result.headers = std::move(response.headers);
        for (const auto &header : result.headers) {
            if (header.first.compare("Content-Type", Qt::CaseInsensitive) == 0)
                result.contentType = header.second;
        }
        result.timedOut = response.timedOut;
        result.error = std::move(response.error);
        deliver(result);
    };
    m_pool->submit(std::move(request));
}

} // namespace tf::gateway
