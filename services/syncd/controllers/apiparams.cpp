#include "apiparams.h"

#include "common/preconditions.h"
#include "core/errors.h"

#include <QJsonArray>

namespace tf::syncd::api {

QJsonObject optionalBody(const http::ApiRequest &request)
{
    if (request.body.trimmed().isEmpty())
        return {};
    return request.jsonBody();
}

void failField(const QString &message, const QString &field, const QString &problem)
{
    const QJsonObject entry { { QStringLiteral("field"), field },
                              { QStringLiteral("message"), problem } };
    throw Error(Error::Kind::Validation, QStringLiteral("%1: %2 %3").arg(message, field, problem),
                QJsonObject { { QStringLiteral("errors"), QJsonArray { entry } } });
}

qint64 expectedVersion(const http::ApiRequest &request, qint64 current, qint64 fallback)
{
    if (request.header("if-match").trimmed().isEmpty())
        return fallback;
    http::checkIfMatch(request, current);
    return current;
}

} // namespace tf::syncd::api
