#pragma once

#include "sync/connector.h"

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>

#include <chrono>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace tf::sync::gis {

// Settings every GIS source (kind arcgis, ogcapi) shares, from SystemSettings.settings:
//   url               the service (ArcGIS: the FeatureServer or MapServer; OGC: the landing page), http(s)
//   timeout_seconds   per request, no bytes for that long fails the attempt (default 30)
//   max_retries       further attempts on a network error, HTTP 5xx or 429 (default 4)
//   page_size         features per request (default: the service's maximum)
// and from SystemSettings.credentials: "token", sent in a header (never in the URL, never logged).
struct HttpSettings
{
    QUrl url;
    std::chrono::milliseconds timeout { 30000 };
    int maxRetries = 4;
    int pageSize = 0; // 0: the service's maximum
    QString token;
    QByteArray tokenHeader;   // e.g. "X-Esri-Authorization" or "Authorization"
    std::chrono::milliseconds backoff { 500 }; // first retry delay, doubled per attempt (max 30 s)

    // Throws tf::Error(Validation) naming the field of a bad setting.
    static HttpSettings parse(const SystemSettings &settings, const QByteArray &tokenHeader);
};

// Problems with a GIS system's settings as (field, message) pairs, for system validation.
QList<QPair<QString, QString>> settingsProblems(const QJsonObject &settings);

// A small blocking JSON-over-HTTP client for GIS services, usable from any thread: each call
// runs its own event loop on the calling thread (connectors are called from worker threads
// without one), with a network manager created on, and reused by, that thread.
//
// Transient failures (network errors, timeouts, HTTP 5xx, 429, and a JSON {"error": {"code":
// 5xx or 429}} at HTTP 200) are retried with exponential backoff, honouring Retry-After
// (seconds, at most 60); when retries run out the call throws tf::Error(Unavailable or
// Timeout), which the engine's circuit breaker counts. Other HTTP errors and {"error": ...}
// answers throw tf::Error(Validation) at once. Messages name the URL without its query
// string; the token travels only in a header and never appears in a message or log.
class HttpClient final
{
public:
    using Sleeper = std::function<void(std::chrono::milliseconds)>;

    explicit HttpClient(HttpSettings settings, Sleeper sleeper = {});
    ~HttpClient();
    HttpClient(const HttpClient &) = delete;
    HttpClient &operator=(const HttpClient &) = delete;

    const HttpSettings &settings() const { return m_settings; }

    // GET url?query (f=json added by the caller), answered with a JSON object.
    QJsonObject getJson(const QUrl &url, const QUrlQuery &query = {});
    // GET url?query, the body as sent (e.g. WFS XML), with the same retries and errors.
    QByteArray getBytes(const QUrl &url, const QUrlQuery &query = {});
    // The service URL with a path appended ("0", "0/query", "collections/x/items").
    QUrl resolve(const QString &path) const;

    int retries() const { return m_retries; } // retried attempts so far (tests, logs)

private:
    struct Answer;
    Answer fetchOnce(const QUrl &url);
    // getJson's loop; with raw set, the body is returned there unparsed.
    QJsonObject get(const QUrl &url, const QUrlQuery &query, QByteArray *raw);
    QNetworkAccessManager &network();

    HttpSettings m_settings;
    Sleeper m_sleeper;
    std::unique_ptr<QNetworkAccessManager> m_network;
    QThread *m_networkThread = nullptr;
    int m_retries = 0;
};

} // namespace tf::sync::gis
