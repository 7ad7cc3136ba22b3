#include "preconditions.h"

#include "core/errors.h"

namespace tf::http {

QByteArray etagFor(qint64 version)
{
    return '"' + QByteArray::number(version) + '"';
}

ApiResponse &withEtag(ApiResponse &response, qint64 version)
{
    return response.withHeader("ETag", etagFor(version));
}

namespace {

QList<QByteArray> ifMatchTags(const ApiRequest &request)
{
    QList<QByteArray> tags;
    for (QByteArray tag : request.header("if-match").split(',')) {
        tag = tag.trimmed();
        if (!tag.isEmpty())
            tags << tag;
    }
    return tags;
}

} // namespace

void checkIfMatch(const ApiRequest &request, qint64 currentVersion)
{
    const QList<QByteArray> tags = ifMatchTags(request);
    if (tags.isEmpty() || tags.contains("*") || tags.contains(etagFor(currentVersion)))
        return;
    throw Error(Error::Kind::PreconditionFailed, QStringLiteral("precondition_failed"),
                QStringLiteral("If-Match %1 names another version; the resource is now at %2. "
                               "Read it again, reapply your change and send the new ETag")
                    .arg(QString::fromLatin1(tags.join(", ")).left(200), QString::fromLatin1(etagFor(currentVersion))),
                QJsonObject { { QStringLiteral("current_etag"), QString::fromLatin1(etagFor(currentVersion)) } });
}

qint64 ifMatchVersion(const ApiRequest &request)
{
    const QList<QByteArray> tags = ifMatchTags(request);
    if (tags.size() != 1 || tags.first() == "*")
        return 0;
    QByteArray tag = tags.first();
    if (tag.size() < 3 || !tag.startsWith('"') || !tag.endsWith('"'))
        return -1; // never matches
    bool ok = false;
    const qint64 version = tag.mid(1, tag.size() - 2).toLongLong(&ok);
    return ok ? version : -1;
}

QJsonObject mergePatch(const QJsonObject &target, const QJsonObject &patch)
{
    QJsonObject result = target;
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        if (it.value().isNull())
            result.remove(it.key());
        else if (it.value().isObject())
            result.insert(it.key(), mergePatch(result.value(it.key()).toObject(), it.value().toObject()));
        else
            result.insert(it.key(), it.value());
    }
    return result;
}

} // namespace tf::http
