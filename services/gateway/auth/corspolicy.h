#pragma once

#include "common/apirequest.h"
#include "common/apiresponse.h"

#include <QStringList>
#include <optional>

namespace tf::gateway {

// Cross-origin access for browser clients: only the origins in cors/allowed_origins get
// Access-Control-* headers; preflight requests are answered before routing (204 for an
// allowed origin, 403 for any other). With no origins configured, no CORS at all.
class CorsPolicy final
{
public:
    explicit CorsPolicy(QStringList allowedOrigins = {});

    bool allows(const QByteArray &origin) const;
    // The answer to a preflight (OPTIONS with Origin and Access-Control-Request-Method);
    // nullopt for every other request.
    std::optional<http::ApiResponse> preflight(const http::ApiRequest &request) const;
    // Adds Access-Control-Allow-Origin (and Vary, exposed headers) for an allowed origin.
    void decorate(const http::ApiRequest &request, http::ApiResponse &response) const;

private:
    QStringList m_origins;
};

} // namespace tf::gateway
