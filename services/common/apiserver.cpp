#include "apiserver.h"

#include "chunkedresponsewriter.h"
#include "connectionguard.h"
#include "errorresponse.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QLoggingCategory>
#include <QPointer>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QUuid>

#include <memory>

Q_LOGGING_CATEGORY(lcHttp, "http.server")

namespace tf::http {

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    case QHttpServerRequest::Method::Connect: return "CONNECT";
    case QHttpServerRequest::Method::Trace: return "TRACE";
    default: return "UNKNOWN";
    }
}

QString requestIdFrom(const QByteArray &given)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9._:-]{1,128}$"));
    const QString text = QString::fromLatin1(given);
    if (!text.isEmpty() && valid.match(text).hasMatch())
        return text;
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

} // namespace

namespace {

// Bodies are JSON (PATCH also as application/merge-patch+json). Anything else is a 415 that
// names what to send: a body read as JSON under another label is a body the caller did not
// mean to send as JSON.
void checkContentType(const ApiRequest &request)
{
    if (request.body.trimmed().isEmpty())
        return;
    const QByteArray mediaType = request.header("content-type").split(';').first().trimmed().toLower();
    if (mediaType == "application/json" || (mediaType.startsWith("application/") && mediaType.endsWith("+json")))
        return;
    throw Error(Error::Kind::UnsupportedMediaType, QStringLiteral("unsupported_media_type"),
                mediaType.isEmpty()
                    ? QStringLiteral("the request has a body but no Content-Type; send it as application/json")
                    : QStringLiteral("a body of type '%1' is not accepted; send application/json")
                          .arg(QString::fromLatin1(mediaType.left(100))),
                QJsonObject { { QStringLiteral("accept"), QJsonArray { QStringLiteral("application/json"),
                                                                        QStringLiteral("application/merge-patch+json") } } });
}

// A read that had query parameters but never looked at them: the caller meant to filter and
// would silently get everything. Reads have no side effects, so the answer is replaced.
void refuseUncheckedQuery(const ApiRequest &request, ApiResponse &response)
{
    if (request.queryChecked || request.query.isEmpty() || response.status >= 400
        || (request.method != "GET" && request.method != "HEAD"))
        return;
    QJsonArray errors;
    QStringList names;
    for (const auto &item : request.query.queryItems(QUrl::FullyDecoded)) {
        if (names.contains(item.first))
            continue;
        names << item.first.left(64);
        errors.append(QJsonObject { { QStringLiteral("field"), item.first.left(64) },
                                    { QStringLiteral("code"), QStringLiteral("unknown_parameter") },
                                    { QStringLiteral("message"), QStringLiteral("this route takes no query parameters") } });
    }
    response = errorResponse(Error(Error::Kind::BadRequest, QStringLiteral("unknown_parameter"),
                                   QStringLiteral("query parameter '%1' is not known here: this route takes no query parameters")
                                       .arg(names.join(QStringLiteral("', '"))),
                                   QJsonObject { { QStringLiteral("errors"), errors } }),
                             request.requestId);
}

// Every read answer has a validator: routes with a version column set ETag themselves (it is
// what If-Match compares); any other JSON read gets a strong ETag over its exact bytes.
void addContentEtag(const ApiRequest &request, ApiResponse &response)
{
    if ((request.method != "GET" && request.method != "HEAD") || response.status != 200 || response.stream)
        return;
    for (const auto &header : std::as_const(response.headers)) {
        if (header.first.compare("ETag", Qt::CaseInsensitive) == 0)
            return;
    }
    const QByteArray digest = QCryptographicHash::hash(response.body, QCryptographicHash::Sha256).toHex().left(32);
    response.withHeader("ETag", "\"sha256:" + digest + '"');
}

} // namespace

ApiServer::ApiServer(QString serviceName, Router router, HttpLimits limits, RequestStats &stats,
                     QObject *parent)
    : QAbstractHttpServer(parent)
    , m_serviceName(std::move(serviceName))
    , m_router(std::move(router))
    , m_limits(limits)
    , m_stats(stats)
{
}

quint16 ApiServer::listen(const QHostAddress &address, quint16 port)
{
    auto *guard = new ConnectionGuard(m_limits, this);
    if (m_tls)
        guard->setTlsConfiguration(*m_tls);
    if (!guard->listen(address, port)) {
        const QString reason = guard->errorString();
        delete guard;
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(reason));
    }
    bind(guard);
    m_guard = guard;
    m_port = guard->serverPort();
    return m_port;
}

void ApiServer::setTlsConfiguration(const QSslConfiguration &configuration)
{
    m_tls = configuration;
}

bool ApiServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QElapsedTimer timer;
    timer.start();

    auto apiRequest = std::make_shared<ApiRequest>();
    apiRequest->method = methodName(request.method());
    apiRequest->path = request.url().path(QUrl::FullyDecoded);
    for (const auto &[alias, prefix] : std::as_const(m_aliases)) {
        if (apiRequest->path == alias || apiRequest->path.startsWith(alias + QLatin1Char('/'))) {
            apiRequest->path = prefix + apiRequest->path.mid(alias.size());
            break;
        }
    }
    apiRequest->query = request.query();
    for (const auto &header : request.headers())
        apiRequest->headers.insert(header.first.toLower(), header.second);
    apiRequest->body = request.body();
    apiRequest->remoteAddress = socket->peerAddress();
    apiRequest->caller.address = apiRequest->remoteAddress;
    apiRequest->requestId = requestIdFrom(apiRequest->header("x-request-id"));

    auto responder = std::make_shared<QHttpServerResponder>(makeResponder(request, socket));
    QPointer<QTcpSocket> alive(socket);
    auto routeLabel = std::make_shared<QString>(QStringLiteral("unmatched"));
    auto answered = std::make_shared<bool>(false);

    Router::Reply reply = [this, apiRequest, responder, alive, routeLabel, answered, timer](ApiResponse response) {
        if (*answered)
            return;
        *answered = true;
        refuseUncheckedQuery(*apiRequest, response);
        addContentEtag(*apiRequest, response);
        if (m_decorator)
            m_decorator(*apiRequest, response);
        const double elapsedMs = double(timer.nsecsElapsed()) / 1e6;
        m_stats.record(apiRequest->method, *routeLabel, response.status, elapsedMs);
        qCDebug(lcHttp).noquote() << apiRequest->method << apiRequest->path << response.status
                                  << QString::number(elapsedMs, 'f', 1) + QStringLiteral(" ms");
        if (!alive)
            return; // the client went away; nothing to write to
        // Behind a streamed body still going out on this connection (pipelining), wait for it.
        auto write = [this, apiRequest, responder, alive, response = std::move(response)]() mutable {
            if (!alive)
                return;
            responder->writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(response.status));
            const bool head = apiRequest->method == "HEAD";
            responder->writeHeader("Content-Type", response.contentType);
            if (response.stream)
                responder->writeHeader("Transfer-Encoding", "chunked");
            else
                responder->writeHeader("Content-Length", QByteArray::number(response.body.size()));
            responder->writeHeader("X-Request-Id", apiRequest->requestId.toLatin1());
            responder->writeHeader("X-Content-Type-Options", "nosniff");
            responder->writeHeader("Cache-Control", "no-store");
            responder->writeHeader("X-Frame-Options", "DENY");
            if (m_tls)
                responder->writeHeader("Strict-Transport-Security", "max-age=31536000");
            for (const auto &header : std::as_const(response.headers))
                responder->writeHeader(header.first, header.second);
            if (!head && response.stream) {
                responder->writeBody(QByteArray()); // ends the header block
                ChunkedResponseWriter::start(alive.data(), std::move(response.stream));
            } else if (!head && !response.body.isEmpty())
                responder->writeBody(response.body);
            else
                responder->writeBody(QByteArray());
        };
        ChunkedResponseWriter::whenIdle(alive.data(), std::move(write));
    };

    try {
        if (apiRequest->body.size() > m_limits.maxBodyBytes) {
            throw Error(Error::Kind::PayloadTooLarge,
                        QStringLiteral("request body of %1 bytes is larger than the limit of %2 bytes")
                            .arg(apiRequest->body.size()).arg(m_limits.maxBodyBytes));
        }
        if (m_preRoute) {
            if (std::optional<ApiResponse> early = m_preRoute(*apiRequest)) {
                *routeLabel = QStringLiteral("pre-route");
                reply(std::move(*early));
                return true;
            }
        }
        Router::Match match = m_router.match(apiRequest->method, apiRequest->path);
        *routeLabel = match.info.pattern;
        apiRequest->pathParams = match.params;
        if (m_filter)
            m_filter(*apiRequest, match.info);
        checkContentType(*apiRequest);
        // Errors thrown by async handlers after this call are their own to report.
        (*match.handler)(*apiRequest, [reply, apiRequest](ApiResponse response) { reply(std::move(response)); });
    } catch (const Error &error) {
        ApiResponse response = errorResponse(error, apiRequest->requestId);
        if (error.kind() == Error::Kind::MethodNotAllowed) {
            QStringList allow;
            for (const auto &value : error.details().value(QStringLiteral("allow")).toArray())
                allow << value.toString();
            response.withHeader("Allow", allow.join(QStringLiteral(", ")).toLatin1());
        }
        if (error.kind() == Error::Kind::Internal || error.kind() == Error::Kind::Unavailable
            || error.kind() == Error::Kind::InsufficientStorage)
            qCWarning(lcHttp).noquote() << apiRequest->method << apiRequest->path << "failed:" << error.message();
        reply(std::move(response));
    } catch (const std::exception &exception) {
        qCCritical(lcHttp).noquote() << apiRequest->method << apiRequest->path
                                     << "raised an unexpected exception:" << exception.what();
        reply(errorResponse(Error(Error::Kind::Internal, QStringLiteral("internal error; see the service log")),
                            apiRequest->requestId));
    }
    return true;
}

void ApiServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // handleRequest always answers; this is only reached for upgrades we do not support.
    QHttpServerResponder responder = makeResponder(request, socket);
    const ApiResponse response = errorResponse(Error(Error::Kind::NotFound, QStringLiteral("not found")));
    responder.write(response.body, response.contentType, QHttpServerResponder::StatusCode::NotFound);
}

} // namespace tf::http
