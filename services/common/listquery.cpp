#include "listquery.h"

#include "core/errors.h"

#include <QJsonObject>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUrl>

namespace tf::http {

void QueryParams::invalid(const QString &name, const QString &problem)
{
    const QString message = QStringLiteral("query parameter '%1' %2").arg(name.left(64), problem);
    throw Error(Error::Kind::BadRequest, QStringLiteral("invalid_parameter"), message,
                QJsonObject { { QStringLiteral("errors"),
                                QJsonArray { QJsonObject { { QStringLiteral("field"), name.left(64) },
                                                           { QStringLiteral("code"), QStringLiteral("invalid_parameter") },
                                                           { QStringLiteral("message"), problem } } } } });
}

QueryParams::QueryParams(const ApiRequest &request, const QStringList &known)
    : m_request(request)
{
    request.queryChecked = true;
    QJsonArray problems;
    const auto items = request.query.queryItems(QUrl::FullyDecoded);
    QStringList seen;
    for (const auto &item : items) {
        if (!known.contains(item.first)) {
            problems.append(QJsonObject {
                { QStringLiteral("field"), item.first.left(64) },
                { QStringLiteral("code"), QStringLiteral("unknown_parameter") },
                { QStringLiteral("message"),
                  known.isEmpty() ? QStringLiteral("this route takes no query parameters")
                                  : QStringLiteral("not known here; known: %1").arg(known.join(QStringLiteral(", "))) } });
        } else if (seen.contains(item.first)) {
            problems.append(QJsonObject { { QStringLiteral("field"), item.first.left(64) },
                                          { QStringLiteral("code"), QStringLiteral("repeated_parameter") },
                                          { QStringLiteral("message"), QStringLiteral("given more than once") } });
        }
        seen << item.first;
    }
    if (!problems.isEmpty()) {
        const QJsonObject first = problems.first().toObject();
        throw Error(Error::Kind::BadRequest, first.value(QStringLiteral("code")).toString(),
                    QStringLiteral("query parameter '%1' is %2")
                        .arg(first.value(QStringLiteral("field")).toString(), first.value(QStringLiteral("message")).toString()),
                    QJsonObject { { QStringLiteral("errors"), problems } });
    }
    if (known.contains(QStringLiteral("limit")) && has(QStringLiteral("limit"))) {
        bool ok = false;
        const qint64 limit = value(QStringLiteral("limit")).trimmed().toLongLong(&ok);
        if (!ok || limit < 1)
            invalid(QStringLiteral("limit"), QStringLiteral("must be a positive integer (at most %1)").arg(MaxLimit));
        m_limitClamped = limit > MaxLimit;
        m_limit = int(qMin<qint64>(limit, MaxLimit));
    }
    if (known.contains(QStringLiteral("cursor")) && has(QStringLiteral("cursor"))) {
        const QByteArray raw = value(QStringLiteral("cursor")).toLatin1();
        const auto decoded = QByteArray::fromBase64Encoding(raw, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals
                                                                     | QByteArray::AbortOnBase64DecodingErrors);
        if (raw.isEmpty() || !decoded || decoded.decoded.isEmpty())
            invalid(QStringLiteral("cursor"), QStringLiteral("is not a cursor this API gave out; pass next_cursor unchanged"));
        m_cursor = QString::fromUtf8(decoded.decoded);
    }
}

QueryParams QueryParams::forList(const ApiRequest &request, const QStringList &filters)
{
    return QueryParams(request, filters + QStringList { QStringLiteral("limit"), QStringLiteral("cursor") });
}

bool QueryParams::has(const QString &name) const { return m_request.query.hasQueryItem(name); }

QString QueryParams::value(const QString &name) const { return m_request.query.queryItemValue(name, QUrl::FullyDecoded); }

qint64 QueryParams::id(const QString &name) const
{
    if (!has(name))
        return 0;
    bool ok = false;
    const qint64 id = value(name).trimmed().toLongLong(&ok);
    if (!ok || id <= 0)
        invalid(name, QStringLiteral("must be a positive integer id"));
    return id;
}

qint64 QueryParams::integer(const QString &name, qint64 minimum, qint64 maximum, qint64 fallback) const
{
    if (!has(name))
        return fallback;
    bool ok = false;
    const qint64 number = value(name).trimmed().toLongLong(&ok);
    if (!ok || number < minimum || number > maximum)
        invalid(name, QStringLiteral("must be an integer from %1 to %2").arg(minimum).arg(maximum));
    return number;
}

QDateTime QueryParams::time(const QString &name) const
{
    if (!has(name))
        return {};
    // RFC 3339: a date, "T" (or a space), a time with optional fraction, and a zone.
    static const QRegularExpression rfc3339(QStringLiteral(
        "^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$"));
    const QString text = value(name).trimmed();
    QDateTime parsed;
    if (rfc3339.match(text).hasMatch()) {
        QString normalised = text;
        normalised[10] = QLatin1Char('T');
        parsed = QDateTime::fromString(normalised.toUpper(), Qt::ISODateWithMs);
    }
    if (!parsed.isValid())
        invalid(name, QStringLiteral("must be an RFC 3339 time with a zone, such as 2025-01-31T02:00:00Z"));
    return parsed.toUTC();
}

QString QueryParams::text(const QString &name, int maxLength) const
{
    if (!has(name))
        return {};
    const QString text = value(name);
    if (text.isEmpty())
        invalid(name, QStringLiteral("is empty; leave it out to not filter"));
    if (text.size() > maxLength)
        invalid(name, QStringLiteral("is longer than %1 characters").arg(maxLength));
    return text;
}

QString QueryParams::choice(const QString &name, const QStringList &choices) const
{
    if (!has(name))
        return {};
    const QString text = value(name);
    if (!choices.contains(text))
        invalid(name, QStringLiteral("must be one of: %1").arg(choices.join(QStringLiteral(", "))));
    return text;
}

std::optional<bool> QueryParams::boolean(const QString &name) const
{
    if (!has(name))
        return std::nullopt;
    const QString text = value(name).trimmed().toLower();
    if (text == QLatin1String("true") || text == QLatin1String("1"))
        return true;
    if (text == QLatin1String("false") || text == QLatin1String("0"))
        return false;
    invalid(name, QStringLiteral("must be true or false"));
}

qint64 QueryParams::cursorId() const
{
    if (m_cursor.isEmpty())
        return 0;
    bool ok = false;
    const qint64 id = m_cursor.toLongLong(&ok);
    if (!ok || id <= 0)
        invalid(QStringLiteral("cursor"), QStringLiteral("is not a cursor this route gave out; pass next_cursor unchanged"));
    return id;
}

QString encodeCursor(const QString &payload)
{
    return QString::fromLatin1(payload.toUtf8().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QJsonObject listEnvelope(const QJsonArray &items, const QString &nextCursorPayload)
{
    return { { QStringLiteral("items"), items },
             { QStringLiteral("next_cursor"),
               nextCursorPayload.isEmpty() ? QJsonValue() : QJsonValue(encodeCursor(nextCursorPayload)) } };
}

ApiResponse listResponse(const ApiRequest &request, const QueryParams &params, const QJsonArray &items,
                         const QString &nextCursorPayload)
{
    ApiResponse response = ApiResponse::json(listEnvelope(items, nextCursorPayload));
    if (!nextCursorPayload.isEmpty()) {
        QUrlQuery next = request.query;
        next.removeAllQueryItems(QStringLiteral("cursor"));
        next.addQueryItem(QStringLiteral("cursor"), encodeCursor(nextCursorPayload));
        response.withHeader("Link", "<?" + next.toString(QUrl::FullyEncoded).toLatin1() + ">; rel=\"next\"");
    }
    if (params.limitClamped())
        response.withHeader("Page-Limit", QByteArray::number(params.limit()) + "; clamped");
    return response;
}

} // namespace tf::http
