#pragma once

#include "gateway/auth/accesssettings.h"
#include "common/servicecontext.h"

#include <QUrl>

namespace tf::gateway {

// The gateway's own settings beside the common ones, validated at start.
struct GatewaySettings
{
    QUrl syncUrl;            // where tf-syncd answers
    QString syncCaCertificate; // gateway/sync_ca_certificate: PEM authorities trusted for an https sync_url
    bool superviseSync = true;
    quint16 syncPort = 8080;
    QString syncProgram;     // path of the tf-syncd binary when supervising
    int proxyTimeoutMs = 5000;
    // Proxied routes that make tf-syncd connect to external systems (system and pair tests,
    // entity listing, quarantine replays) take longer than a database read.
    int proxySlowTimeoutMs = 60000;
    // Answers of the pair and system reads kept until the change feed moves (ReadCache).
    bool readCache = true;
    int statusTimeoutMs = 2000;
    int healthIntervalMs = 1000;
    int restartMaxAttempts = 10;
    // Authentication, rate limits, CORS, TLS, trusted proxies ([auth], [rate_limit], [cors], [tls]).
    AccessSettings access;

    // Throws tf::Error(Validation) naming the key on bad values or contradictions.
    static GatewaySettings fromContext(const ServiceContext &context);
    static QHash<QString, QString> defaults();
};

} // namespace tf::gateway
