#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QUrl>
#include <functional>

namespace tf::ops {

struct LoadTestOptions
{
    QUrl url; // http:// or https://
    int concurrency = 8; // keep-alive connections, each with one request in flight
    double durationSeconds = 10;
    QByteArray authorization; // the Authorization header value ("Bearer ..."), if any
    int requestTimeoutMs = 10000;

    // Throws tf::Error(Validation) naming the bad option (field "endpoint", "concurrency",
    // "duration").
    void validate() const;
};

struct LoadTestResult
{
    QString url;
    int concurrency = 0;
    double seconds = 0; // measured wall time
    qint64 requests = 0; // answered or failed
    qint64 errors = 0; // transport failures and answers with status >= 400
    double requestsPerSecond = 0;
    double p50Ms = -1; // latency of answered requests (any status), nearest rank
    double p95Ms = -1;
    double p99Ms = -1;
    double maxMs = -1;
    double meanMs = -1;
    QMap<int, qint64> statuses; // HTTP status -> count
    QMap<QString, qint64> failures; // transport error -> count

    double successesPerSecond() const { return seconds > 0 ? (requests - errors) / seconds : 0; }
    QJsonObject toJson() const;
    QString toText() const; // the lines `tfctl tune test` prints
};

// Seconds elapsed, requests and errors so far: called about once a second.
using LoadTestProgress = std::function<void(double seconds, qint64 requests, qint64 errors)>;

// A real HTTP/1.1 load test: `concurrency` keep-alive connections (QTcpSocket, QSslSocket for
// https) on the calling thread's event loop, each sending the next GET as soon as the answer
// to the last has arrived, for the duration. Blocks until done.
LoadTestResult runLoadTest(const LoadTestOptions &options, const LoadTestProgress &progress = {});

} // namespace tf::ops
