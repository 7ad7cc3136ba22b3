#include "contentetag.h"

#include "core/errors.h"

#include <QCryptographicHash>

namespace tf::gateway {

QByteArray contentEtag(const QByteArray &content)
{
    return "\"sha256:" + QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex() + '"';
}

void checkIfMatchContent(const http::ApiRequest &request, const QByteArray &currentEtag)
{
    const QByteArray header = request.header("if-match").trimmed();
    if (header.isEmpty())
        return;
    for (const QByteArray &tag : header.split(',')) {
        if (tag.trimmed() == "*" || tag.trimmed() == currentEtag)
            return;
    }
    throw Error(Error::Kind::PreconditionFailed, QStringLiteral("precondition_failed"),
                QStringLiteral("If-Match names another file; this name now holds %1")
                    .arg(QString::fromLatin1(currentEtag)),
                QJsonObject { { QStringLiteral("current_etag"), QString::fromLatin1(currentEtag) } });
}

} // namespace tf::gateway
