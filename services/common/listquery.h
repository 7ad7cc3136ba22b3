#pragma once

#include "apirequest.h"
#include "apiresponse.h"

#include <QDateTime>
#include <QJsonArray>
#include <QStringList>

#include <optional>

// The query-parameter and paging rules every route follows (docs/api-conventions.md):
// - unknown parameters, repeated parameters and malformed values are 400 problems naming the
//   parameter (code "unknown_parameter" / "invalid_parameter");
// - ids are positive integers, times RFC 3339 with a zone, choices from a fixed list;
// - lists answer {"items": [...], "next_cursor": "<opaque>" | null}, take ?limit= (default 50,
//   at most 500: a larger value is clamped and the answer says so in a "Page-Limit" header)
//   and ?cursor=, and carry Link: <?...&cursor=...>; rel="next" while there is a next page.
namespace tf::http {

class QueryParams
{
public:
    static constexpr int DefaultLimit = 50;
    static constexpr int MaxLimit = 500;

    // A route's parameters: anything not in `known` is refused.
    QueryParams(const ApiRequest &request, const QStringList &known);
    // A list route's parameters: `filters` plus limit and cursor.
    static QueryParams forList(const ApiRequest &request, const QStringList &filters = {});

    bool has(const QString &name) const;
    // A positive integer id; 0 when absent.
    qint64 id(const QString &name) const;
    // An integer in [minimum, maximum]; fallback when absent.
    qint64 integer(const QString &name, qint64 minimum, qint64 maximum, qint64 fallback) const;
    // RFC 3339 with a zone ("2025-01-31T02:00:00Z", "...+01:00"); invalid when absent.
    QDateTime time(const QString &name) const;
    // Non-empty text up to maxLength characters; empty when absent.
    QString text(const QString &name, int maxLength = 200) const;
    // One of choices; empty when absent.
    QString choice(const QString &name, const QStringList &choices) const;
    // true/false (also 1/0); nullopt when absent.
    std::optional<bool> boolean(const QString &name) const;

    // The page size: ?limit= clamped to [1, MaxLimit]; DefaultLimit when absent.
    int limit() const { return m_limit; }
    bool limitClamped() const { return m_limitClamped; }
    // The decoded cursor payload; empty on the first page.
    QString cursor() const { return m_cursor; }
    // The cursor payload as a keyset id (0 on the first page); 400 when it is not one.
    qint64 cursorId() const;

    [[noreturn]] static void invalid(const QString &name, const QString &problem);

private:
    QString value(const QString &name) const;

    const ApiRequest &m_request;
    int m_limit = DefaultLimit;
    bool m_limitClamped = false;
    QString m_cursor;
};

// Opaque cursors: base64url of a route-specific payload ("42", "2025-01-31T02:00:00Z|42").
QString encodeCursor(const QString &payload);

// The list answer: the envelope, plus Link rel="next" (a query-only reference, so it resolves
// against whatever path the client called, /api/... or /api/v1/...) and Page-Limit when the
// requested limit was clamped. `nextCursorPayload` empty: the last page.
ApiResponse listResponse(const ApiRequest &request, const QueryParams &params, const QJsonArray &items,
                         const QString &nextCursorPayload = {});

// The envelope alone (for callers that add more to the answer themselves).
QJsonObject listEnvelope(const QJsonArray &items, const QString &nextCursorPayload = {});

} // namespace tf::http
