#pragma once

#include <QtGlobal>

namespace tf {
class Config;
}

namespace tf::http {

// Limits Qt 6.4's HTTP server does not enforce itself (DESIGN.md §8).
struct HttpLimits
{
    qint64 maxBodyBytes = 1024 * 1024;  // 413 above this
    int maxHeaderBytes = 16 * 1024;     // 431 above this (request line + headers)
    int maxUrlBytes = 8 * 1024;         // 414 above this
    int idleTimeoutMs = 60 * 1000;      // idle keep-alive connections are closed
    int maxConnectionsPerAddress = 64;  // further connections are refused with 503

    // Reads [http] max_body_bytes, max_header_bytes, max_url_bytes, idle_timeout_ms,
    // max_connections_per_address; throws tf::Error(Validation) on bad values.
    static HttpLimits fromConfig(const Config &config);
};

} // namespace tf::http
