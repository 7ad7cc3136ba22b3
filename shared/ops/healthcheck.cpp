#include "healthcheck.h"

#include "core/errors.h"
#include "db/controldatabase.h"
#include "db/databaseurl.h"
#include "ops/maintenancereport.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QStorageInfo>
#include <QTimer>

namespace tf::ops {

namespace {

const QString kHealthy = QStringLiteral("healthy");
const QString kDegraded = QStringLiteral("degraded");
const QString kDown = QStringLiteral("down");
const QString kWarning = QStringLiteral("warning");

QUrl withPath(const QUrl &base, const QString &path)
{
    QUrl url = base;
    QString prefix = url.path();
    while (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    url.setPath(prefix + path);
    return url;
}

QString schemaText(const QJsonObject &database)
{
    return QStringLiteral("schema %1/%2")
        .arg(database.value(QStringLiteral("schema_version")).toInt())
        .arg(database.value(QStringLiteral("latest_version")).toInt());
}

} // namespace

QJsonObject HttpProbe::json() const
{
    return QJsonDocument::fromJson(body).object();
}

HttpProbe httpGet(const QUrl &url, int timeoutMs)
{
    HttpProbe probe;
    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest request(url);
    request.setTransferTimeout(timeoutMs);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    QElapsedTimer clock;
    clock.start();
    QNetworkReply *reply = network.get(request);
    // A health probe over loopback reads nothing secret: a self-signed certificate is fine.
    const QHostAddress host(url.host());
    if (url.host() == QLatin1String("localhost") || host.isLoopback())
        QObject::connect(reply, &QNetworkReply::sslErrors, reply, [reply] { reply->ignoreSslErrors(); });
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer guard; // transferTimeout does not cover a connect that hangs on some stacks
    guard.setSingleShot(true);
    QObject::connect(&guard, &QTimer::timeout, reply, &QNetworkReply::abort);
    guard.start(timeoutMs + 500);
    if (!reply->isFinished())
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    probe.elapsedMs = clock.elapsed();
    probe.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    probe.body = reply->readAll();
    if (probe.status == 0)
        probe.error = reply->errorString();
    delete reply;
    return probe;
}

QJsonObject ComponentHealth::toJson() const
{
    QJsonObject object {
        { QStringLiteral("name"), name },
        { QStringLiteral("status"), status },
        { QStringLiteral("where"), where },
        { QStringLiteral("latency_ms"), latencyMs },
        { QStringLiteral("detail"), detail },
    };
    if (pid > 0)
        object.insert(QStringLiteral("pid"), pid);
    if (!error.isEmpty())
        object.insert(QStringLiteral("error"), error);
    return object;
}

int HealthReport::exitCode() const
{
    if (overall == kHealthy)
        return 0;
    return overall == kDown ? 2 : 1;
}

const ComponentHealth *HealthReport::component(const QString &name) const
{
    for (const ComponentHealth &component : components) {
        if (component.name == name)
            return &component;
    }
    return nullptr;
}

QJsonObject HealthReport::toJson() const
{
    QJsonObject parts;
    for (const ComponentHealth &component : components)
        parts.insert(component.name, component.toJson());
    return QJsonObject {
        { QStringLiteral("status"), overall },
        { QStringLiteral("checked_at"), checkedAt.toString(Qt::ISODateWithMs) },
        { QStringLiteral("components"), parts },
    };
}

ComponentHealth HealthCheck::probeGateway(const Targets &targets)
{
    ComponentHealth health;
    health.name = QStringLiteral("gateway");
    health.where = targets.gatewayUrl.toString();
    health.pid = targets.gatewayPid;
    const HttpProbe probe = httpGet(withPath(targets.gatewayUrl, QStringLiteral("/health/ready")), targets.timeoutMs);
    const QJsonObject body = probe.json();
    QStringList detail;
    if (!targets.gatewayMode.isEmpty())
        detail << targets.gatewayMode;
    if (probe.status == 0) {
        health.status = kDown;
        health.error = QStringLiteral("no answer: ") + probe.error;
    } else {
        health.latencyMs = probe.elapsedMs;
        const QJsonObject database = body.value(QStringLiteral("database")).toObject();
        if (probe.status == 200) {
            health.status = kHealthy;
            detail << QStringLiteral("ready, database %1").arg(schemaText(database));
        } else {
            health.status = kDegraded;
            const QString reason = body.value(QStringLiteral("reason")).toString();
            health.error = reason.isEmpty() ? QStringLiteral("HTTP %1 from /health/ready").arg(probe.status)
                                            : QStringLiteral("not ready: ") + reason;
        }
    }
    health.detail = detail.join(QStringLiteral("; "));
    return health;
}

ComponentHealth HealthCheck::probeSync(const Targets &targets)
{
    ComponentHealth health;
    health.name = QStringLiteral("syncd");
    health.where = targets.syncUrl.toString();
    health.pid = targets.syncPid;
    const HttpProbe probe = httpGet(withPath(targets.syncUrl, QStringLiteral("/health")), targets.timeoutMs);
    const QJsonObject body = probe.json();
    QStringList detail;
    if (!targets.syncMode.isEmpty())
        detail << targets.syncMode;
    if (probe.status == 0) {
        health.status = kDown;
        health.error = QStringLiteral("no answer: ") + probe.error;
    } else {
        health.latencyMs = probe.elapsedMs;
        if (body.value(QStringLiteral("pid")).toInteger() > 0)
            health.pid = body.value(QStringLiteral("pid")).toInteger();
        const QJsonObject database = body.value(QStringLiteral("checks")).toObject().value(QStringLiteral("database")).toObject();
        if (probe.status == 200 && body.value(QStringLiteral("status")).toString() == kHealthy) {
            health.status = kHealthy;
            const QString node = body.value(QStringLiteral("node_id")).toString();
            detail << QStringLiteral("node %1, database %2").arg(node, schemaText(database));
        } else {
            health.status = kDegraded;
            const QString reason = database.value(QStringLiteral("error")).toString();
            health.error = reason.isEmpty() ? QStringLiteral("HTTP %1 from /health").arg(probe.status) : reason;
        }
    }
    health.detail = detail.join(QStringLiteral("; "));
    return health;
}

ComponentHealth HealthCheck::probeDatabase(const QString &databaseUrl)
{
    ComponentHealth health;
    health.name = QStringLiteral("database");
    db::DatabaseUrl url;
    try {
        url = db::DatabaseUrl::parse(databaseUrl);
    } catch (const Error &error) {
        health.status = kDown;
        health.error = error.message();
        return health;
    }
    health.where = url.isPostgres() ? url.redacted() : url.sqlitePath;
    if (!url.isPostgres() && !QFileInfo::exists(url.sqlitePath)) {
        health.status = kDown;
        health.error = QStringLiteral("the SQLite file %1 does not exist").arg(url.sqlitePath);
        return health;
    }
    try {
        auto control = db::ControlDatabase::open(url, false);
        const db::ControlDatabase::Readiness readiness = control->checkReady();
        health.latencyMs = readiness.latencyMs;
        health.detail = QStringLiteral("%1, schema %2/%3").arg(readiness.backend).arg(readiness.schemaVersion).arg(readiness.latestVersion);
        if (readiness.ready) {
            health.status = kHealthy;
        } else {
            health.status = readiness.latencyMs < 0 ? kDown : kDegraded;
            health.error = readiness.reason;
        }
    } catch (const Error &error) {
        health.status = kDown;
        health.error = error.message();
    }
    return health;
}

ComponentHealth HealthCheck::probeDisk(const QString &dataDir, double thresholdPercent)
{
    ComponentHealth health;
    health.name = QStringLiteral("disk");
    health.where = dataDir;
    QStorageInfo storage(dataDir);
    storage.refresh();
    if (!QFileInfo::exists(dataDir) || !storage.isValid() || storage.bytesTotal() <= 0) {
        health.status = kDegraded;
        health.error = QStringLiteral("cannot read the free space of %1").arg(dataDir);
        return health;
    }
    const qint64 total = storage.bytesTotal();
    const qint64 available = storage.bytesAvailable();
    // The figure of the disk_percent alert rule (tf-syncd's host metrics): what is not
    // available to us is used.
    const double used = 100.0 * double(total - available) / double(total);
    const QString usedText = QString::number(used, 'f', 1);
    health.detail = QStringLiteral("%1 free of %2, %3% used (threshold %4%)")
                        .arg(humanBytes(available), humanBytes(total), usedText,
                             QString::number(thresholdPercent, 'f', 0));
    if (available <= 0) {
        health.status = kDegraded;
        health.error = QStringLiteral("the disk holding %1 (%2) is full: writes fail with "
                                      "insufficient_storage until space is freed")
                           .arg(dataDir, storage.rootPath());
    } else if (used > thresholdPercent) {
        health.status = kWarning;
        health.error = QStringLiteral("Disk usage above threshold: %1% of %2 used (threshold %3%)")
                           .arg(usedText, storage.rootPath(), QString::number(thresholdPercent, 'f', 0));
    } else {
        health.status = kHealthy;
    }
    return health;
}

HealthReport HealthCheck::run(const Targets &targets)
{
    HealthReport report;
    report.checkedAt = QDateTime::currentDateTimeUtc();
    report.components << probeGateway(targets) << probeSync(targets) << probeDatabase(targets.databaseUrl);
    if (!targets.dataDir.isEmpty())
        report.components << probeDisk(targets.dataDir, targets.diskPercent);
    const QString gateway = report.components.at(0).status;
    const QString database = report.components.at(2).status;
    bool allHealthy = true;
    for (const ComponentHealth &component : std::as_const(report.components))
        allHealthy = allHealthy && (component.status == kHealthy || component.status == kWarning);
    if (allHealthy)
        report.overall = kHealthy;
    else if (gateway == kDown || database == kDown)
        report.overall = kDown;
    else
        report.overall = kDegraded;
    return report;
}

} // namespace tf::ops
