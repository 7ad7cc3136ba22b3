#include "gishttpclient.h"

#include "gisrows.h"
#include "wfscapabilities.h"

#include "core/errors.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <thread>

Q_LOGGING_CATEGORY(lcGis, "sync.gis")

namespace tf::sync::gis {

namespace {

constexpr std::chrono::milliseconds kMaxBackoff { 30000 };
constexpr int kMaxRetryAfterSeconds = 60;

// Reads an optional positive integer setting; records a problem when present and wrong.
int positiveSetting(const QJsonObject &settings, const QString &key, int fallback, int minimum,
                    QList<QPair<QString, QString>> *problems)
{
    const QJsonValue value = settings.value(key);
    if (value.isUndefined() || value.isNull())
        return fallback;
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number != static_cast<double>(static_cast<qint64>(number)) || number < minimum || number > 1e6) {
        problems->append({ key, QStringLiteral("must be a whole number from %1 to 1000000").arg(minimum) });
        return fallback;
    }
    return static_cast<int>(number);
}

QUrl serviceUrl(const QJsonObject &settings, QList<QPair<QString, QString>> *problems)
{
    const QJsonValue value = settings.value(QStringLiteral("url"));
    if (!value.isString() || value.toString().isEmpty()) {
        problems->append({ QStringLiteral("url"), QStringLiteral("is required") });
        return {};
    }
    const QUrl url(value.toString(), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty()) {
        problems->append({ QStringLiteral("url"), QStringLiteral("must be an http:// or https:// URL") });
        return {};
    }
    if (!url.userInfo().isEmpty() || url.hasQuery()) {
        // A token or password in the URL would be stored unencrypted and appear in logs.
        problems->append({ QStringLiteral("url"),
                           QStringLiteral("must not hold a user, password or query; put a token in credentials.token") });
        return {};
    }
    return url;
}

// The URL as messages show it: without query string (never a secret in a message).
QString shown(const QUrl &url)
{
    return url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo);
}

bool transientStatus(int status)
{
    return status == 429 || status >= 500;
}

} // namespace

QList<QPair<QString, QString>> settingsProblems(const QJsonObject &settings)
{
    QList<QPair<QString, QString>> problems;
    serviceUrl(settings, &problems);
    positiveSetting(settings, QStringLiteral("timeout_seconds"), 30, 1, &problems);
    positiveSetting(settings, QStringLiteral("max_retries"), 4, 0, &problems);
    positiveSetting(settings, QStringLiteral("page_size"), 0, 1, &problems);
    positiveSetting(settings, QStringLiteral("overlap_seconds"), 300, 0, &problems);
    return problems;
}

HttpSettings HttpSettings::parse(const SystemSettings &system, const QByteArray &tokenHeader)
{
    QList<QPair<QString, QString>> problems;
    HttpSettings out;
    out.url = serviceUrl(system.settings, &problems);
    out.timeout = std::chrono::seconds(positiveSetting(system.settings, QStringLiteral("timeout_seconds"), 30, 1, &problems));
    out.maxRetries = positiveSetting(system.settings, QStringLiteral("max_retries"), 4, 0, &problems);
    out.pageSize = positiveSetting(system.settings, QStringLiteral("page_size"), 0, 1, &problems);
    out.token = system.credentials.value(QStringLiteral("token")).toString();
    out.tokenHeader = tokenHeader;
    if (!problems.isEmpty()) {
        throw Error(Error::Kind::Validation, QStringLiteral("settings.%1 %2").arg(problems.first().first, problems.first().second),
                    QJsonObject { { QStringLiteral("field"), QString(QStringLiteral("settings.") + problems.first().first) } });
    }
    // resolve() appends paths after one slash: the service URL is kept without a trailing one.
    QString path = out.url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    out.url.setPath(path);
    return out;
}

struct HttpClient::Answer
{
    int status = 0;                 // 0: no HTTP answer (network error, timeout)
    bool timedOut = false;
    QString networkError;
    QByteArray body;
    int retryAfterSeconds = -1;
};

HttpClient::HttpClient(HttpSettings settings, Sleeper sleeper)
    : m_settings(std::move(settings))
    , m_sleeper(sleeper ? std::move(sleeper) : Sleeper([](std::chrono::milliseconds ms) { std::this_thread::sleep_for(ms); }))
{
}

HttpClient::~HttpClient()
{
    // A manager belongs to the thread that made it; one made elsewhere is left to that thread's end.
    if (m_network && m_networkThread != QThread::currentThread())
        m_network.release()->deleteLater();
}

QUrl HttpClient::resolve(const QString &path) const
{
    QUrl url = m_settings.url;
    url.setPath(url.path() + QLatin1Char('/') + path);
    return url;
}

QNetworkAccessManager &HttpClient::network()
{
    if (!m_network || m_networkThread != QThread::currentThread()) {
        if (m_network)
            m_network.release()->deleteLater();
        m_network = std::make_unique<QNetworkAccessManager>();
        m_network->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
        m_networkThread = QThread::currentThread();
    }
    return *m_network;
}

HttpClient::Answer HttpClient::fetchOnce(const QUrl &url)
{
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json, application/geo+json");
    request.setTransferTimeout(static_cast<int>(m_settings.timeout.count()));
    if (!m_settings.token.isEmpty() && !m_settings.tokenHeader.isEmpty())
        request.setRawHeader(m_settings.tokenHeader, "Bearer " + m_settings.token.toUtf8());
    QNetworkReply *reply = network().get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    Answer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.timedOut = reply->error() == QNetworkReply::OperationCanceledError
                      || reply->error() == QNetworkReply::TimeoutError;
    if (answer.status == 0)
        answer.networkError = reply->errorString();
    bool ok = false;
    const int retryAfter = reply->rawHeader("Retry-After").trimmed().toInt(&ok);
    if (ok && retryAfter >= 0)
        answer.retryAfterSeconds = qMin(retryAfter, kMaxRetryAfterSeconds);
    reply->deleteLater();
    return answer;
}

QJsonObject HttpClient::getJson(const QUrl &url, const QUrlQuery &query)
{
    return get(url, query, nullptr);
}

QByteArray HttpClient::getBytes(const QUrl &url, const QUrlQuery &query)
{
    QByteArray body;
    get(url, query, &body);
    return body;
}

QJsonObject HttpClient::get(const QUrl &base, const QUrlQuery &query, QByteArray *raw)
{
    QUrl url = base;
    if (!query.isEmpty())
        url.setQuery(query);
    const QJsonObject details { { QStringLiteral("url"), shown(url) } };
    std::chrono::milliseconds delay = m_settings.backoff;
    for (int attempt = 0;; ++attempt) {
        const Answer answer = fetchOnce(url);
        QString problem; // transient when set and not thrown below
        int retryAfter = answer.retryAfterSeconds;
        bool timedOut = false;
        if (answer.status == 0) {
            timedOut = answer.timedOut;
            problem = timedOut ? QStringLiteral("no answer within %1 s").arg(m_settings.timeout.count() / 1000.0)
                               : answer.networkError;
        } else if (transientStatus(answer.status)) {
            problem = QStringLiteral("HTTP %1").arg(answer.status);
        } else if (answer.status >= 300) {
            throw Error(Error::Kind::Validation, QStringLiteral("GIS service %1 answered HTTP %2: %3")
                                                     .arg(shown(url)).arg(answer.status)
                                                     .arg(owsExceptionText(answer.body).isEmpty()
                                                              ? QString::fromUtf8(answer.body.left(300)).simplified()
                                                              : owsExceptionText(answer.body).left(300)),
                        details);
        } else if (raw) {
            *raw = answer.body;
            return {};
        } else {
            QJsonParseError parseError;
            const QJsonDocument document = QJsonDocument::fromJson(markNegativeZeros(answer.body), &parseError);
            if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
                throw Error(Error::Kind::Validation, QStringLiteral("GIS service %1 did not answer a JSON object: %2")
                                                         .arg(shown(url), parseError.error != QJsonParseError::NoError
                                                                              ? parseError.errorString()
                                                                              : QStringLiteral("not an object")),
                            details);
            }
            const QJsonObject object = document.object();
            const QJsonValue error = object.value(QStringLiteral("error"));
            if (error.isUndefined())
                return object;
            // ArcGIS reports failures as HTTP 200 with {"error": {"code", "message", "details"}}.
            const QJsonObject e = error.toObject();
            const int code = e.value(QStringLiteral("code")).toInt();
            QString message = e.value(QStringLiteral("message")).toString();
            for (const QJsonValue &detail : e.value(QStringLiteral("details")).toArray())
                message += QStringLiteral("; ") + detail.toString();
            if (!transientStatus(code)) {
                QJsonObject more = details;
                more.insert(QStringLiteral("service_code"), code);
                throw Error(Error::Kind::Validation, QStringLiteral("GIS service %1 answered an error (code %2): %3")
                                                         .arg(shown(url)).arg(code).arg(message),
                            more);
            }
            problem = QStringLiteral("error code %1: %2").arg(code).arg(message);
        }
        if (attempt >= m_settings.maxRetries) {
            throw Error(timedOut ? Error::Kind::Timeout : Error::Kind::Unavailable,
                        QStringLiteral("GIS service %1 failed after %2 attempts: %3").arg(shown(url)).arg(attempt + 1).arg(problem),
                        details);
        }
        const std::chrono::milliseconds wait = retryAfter >= 0 ? std::chrono::milliseconds(retryAfter * 1000) : delay;
        qCWarning(lcGis).noquote() << "GIS request" << shown(url) << "failed (" << problem << "), retry" << attempt + 1
                                   << "of" << m_settings.maxRetries << "in" << wait.count() << "ms";
        ++m_retries;
        m_sleeper(wait);
        delay = qMin(delay * 2, kMaxBackoff);
    }
}

} // namespace tf::sync::gis
