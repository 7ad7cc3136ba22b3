#include "idempotencystore.h"

#include "core/errors.h"
#include "db/connection.h"

#include <QCryptographicHash>
#include <QJsonArray>

namespace tf::http {

namespace {

// A claim older than this without a stored answer belongs to a request that died (its
// process was killed between the work and finish()); the next request takes the key over.
constexpr qint64 kAbandonedClaimSecs = 120;

} // namespace

IdempotencyStore::IdempotencyStore(const db::Database &control)
    : m_control(control)
{ }

std::optional<IdempotencyStore::Claim> IdempotencyStore::claimFor(const ApiRequest &request,
                                                                  const QString &scope,
                                                                  const QByteArray &canonicalBody)
{
    if (!request.headers.contains("idempotency-key"))
        return std::nullopt;
    const QString key = QString::fromUtf8(request.header("idempotency-key")).trimmed();
    if (key.isEmpty() || key.size() > MaxKeyLength) {
        const QString problem = QStringLiteral("must be 1 to %1 characters").arg(MaxKeyLength);
        throw Error(Error::Kind::BadRequest, QStringLiteral("bad_request"),
                    QStringLiteral("header Idempotency-Key %1").arg(problem),
                    QJsonObject { { QStringLiteral("errors"),
                                    QJsonArray { QJsonObject { { QStringLiteral("field"), QStringLiteral("Idempotency-Key") },
                                                               { QStringLiteral("code"), QStringLiteral("invalid_header") },
                                                               { QStringLiteral("message"), problem } } } } });
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(request.method);
    hash.addData(" ");
    hash.addData(request.path.toUtf8());
    hash.addData("\n");
    hash.addData(canonicalBody);
    const QString caller = request.caller.username.isEmpty() ? QStringLiteral("-") : request.caller.username;
    return Claim { scope, caller, key, QString::fromLatin1(hash.result().toHex()) };
}

void IdempotencyStore::purgeExpired()
{
    QSqlQuery purge = m_control.prepare(QStringLiteral("DELETE FROM idempotency_keys WHERE created_at < ?"));
    purge.addBindValue(m_control.dialect().toDb(QDateTime::currentDateTimeUtc().addSecs(-KeepHours * 3600)));
    m_control.exec(purge, "purging expired idempotency keys");
}

std::optional<ApiResponse> IdempotencyStore::begin(const Claim &claim)
{
    purgeExpired();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // Insert first: of two requests with one key exactly one inserts the row.
    QSqlQuery insert = m_control.prepare(QStringLiteral(
        "INSERT INTO idempotency_keys (scope, caller, key, request_hash, status, created_at) "
        "VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT DO NOTHING"));
    insert.addBindValue(claim.scope);
    insert.addBindValue(claim.caller);
    insert.addBindValue(claim.key);
    insert.addBindValue(claim.requestHash);
    insert.addBindValue(m_control.dialect().toDb(now));
    m_control.exec(insert, "claiming an idempotency key");
    if (insert.numRowsAffected() > 0)
        return std::nullopt;

    QSqlQuery stored = m_control.prepare(QStringLiteral(
        "SELECT request_hash, status, body, location, created_at FROM idempotency_keys "
        "WHERE scope = ? AND caller = ? AND key = ?"));
    stored.addBindValue(claim.scope);
    stored.addBindValue(claim.caller);
    stored.addBindValue(claim.key);
    m_control.exec(stored, "reading an idempotency key");
    if (!stored.next())
        return begin(claim); // released meanwhile: claim it again
    const QString hash = stored.value(0).toString();
    const int status = stored.value(1).toInt();
    const QByteArray body = stored.value(2).toString().toUtf8();
    const QByteArray location = stored.value(3).toString().toUtf8();
    const QDateTime created = m_control.dialect().fromDb(stored.value(4));
    stored.finish();
    if (hash != claim.requestHash) {
        throw Error(Error::Kind::Conflict, QStringLiteral("idempotency_key_reused"),
                    QStringLiteral("Idempotency-Key '%1' was used for another request within the last %2 hours; "
                                   "use a new key for a new request")
                        .arg(claim.key.left(200))
                        .arg(KeepHours),
                    QJsonObject { { QStringLiteral("idempotency_key"), claim.key.left(200) } });
    }
    if (status > 0)
        return replayed(status, body, location);
    if (created.isValid() && created.secsTo(now) > kAbandonedClaimSecs) {
        QSqlQuery takeOver = m_control.prepare(QStringLiteral(
            "UPDATE idempotency_keys SET created_at = ? "
            "WHERE scope = ? AND caller = ? AND key = ? AND status = 0 AND created_at = ?"));
        takeOver.addBindValue(m_control.dialect().toDb(now));
        takeOver.addBindValue(claim.scope);
        takeOver.addBindValue(claim.caller);
        takeOver.addBindValue(claim.key);
        takeOver.addBindValue(m_control.dialect().toDb(created));
        m_control.exec(takeOver, "taking over an abandoned idempotency key");
        if (takeOver.numRowsAffected() > 0)
            return std::nullopt;
    }
    throw Error(Error::Kind::Conflict, QStringLiteral("idempotency_key_in_use"),
                QStringLiteral("a request with Idempotency-Key '%1' is still being answered; repeat it in a moment "
                               "to get its answer")
                    .arg(claim.key.left(200)),
                QJsonObject { { QStringLiteral("idempotency_key"), claim.key.left(200) } });
}

void IdempotencyStore::finish(const Claim &claim, const ApiResponse &response)
{
    if (response.status < 200 || response.status >= 300) {
        release(claim);
        return;
    }
    QByteArray location;
    for (const auto &header : response.headers) {
        if (header.first.compare("Location", Qt::CaseInsensitive) == 0)
            location = header.second;
    }
    QSqlQuery store = m_control.prepare(QStringLiteral(
        "UPDATE idempotency_keys SET status = ?, body = ?, location = ? "
        "WHERE scope = ? AND caller = ? AND key = ? AND request_hash = ?"));
    store.addBindValue(response.status);
    store.addBindValue(QString::fromUtf8(response.body));
    store.addBindValue(QString::fromUtf8(location));
    store.addBindValue(claim.scope);
    store.addBindValue(claim.caller);
    store.addBindValue(claim.key);
    store.addBindValue(claim.requestHash);
    m_control.exec(store, "storing an idempotent answer");
}

void IdempotencyStore::release(const Claim &claim)
{
    QSqlQuery remove = m_control.prepare(QStringLiteral(
        "DELETE FROM idempotency_keys WHERE scope = ? AND caller = ? AND key = ? AND status = 0"));
    remove.addBindValue(claim.scope);
    remove.addBindValue(claim.caller);
    remove.addBindValue(claim.key);
    m_control.exec(remove, "releasing an idempotency key");
}

ApiResponse IdempotencyStore::replayed(int status, const QByteArray &body, const QByteArray &location)
{
    ApiResponse response = ApiResponse::raw(body, QByteArrayLiteral("application/json"), status);
    response.withHeader("Idempotent-Replayed", "true");
    if (!location.isEmpty())
        response.withHeader("Location", location);
    return response;
}

} // namespace tf::http
