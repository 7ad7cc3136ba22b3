#pragma once

#include "apirequest.h"
#include "apiresponse.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace tf::db {
class Database;
}

// Idempotent POSTs (docs/api-conventions.md, "Starting work"): the first answer to a request
// with an Idempotency-Key is kept in the control database (idempotency_keys) for 24 hours, per
// caller and route scope. The same key with the same request replays it (with
// Idempotent-Replayed: true); the same key with another request is 409 idempotency_key_reused.
//
// A key is claimed by inserting its row first (the primary key decides between two racing
// requests, also across nodes), then the work is done, then the answer is stored. A failed
// request (4xx/5xx) releases its claim, so the client may repeat it with the same key.
namespace tf::http {

class IdempotencyStore final
{
    Q_DISABLE_COPY_MOVE(IdempotencyStore)
public:
    static constexpr int MaxKeyLength = 200;
    static constexpr int KeepHours = 24;

    explicit IdempotencyStore(const db::Database &control);

    // What a request is within its scope: the method, path and canonical JSON body hashed.
    struct Claim
    {
        QString scope; // e.g. "sync-operations.start"
        QString caller; // whose keys these are (the forwarded actor)
        QString key;
        QString requestHash;
    };
    // The claim for `request` when it carries an Idempotency-Key; nullopt without one. 400 when
    // the key is empty or longer than MaxKeyLength characters.
    static std::optional<Claim> claimFor(const ApiRequest &request, const QString &scope,
                                         const QByteArray &canonicalBody);

    // Claims the key. The stored answer when the same request was answered before (replay it);
    // nullopt when this request now holds the key and must do the work. 409
    // idempotency_key_reused for another request under the key; 409 idempotency_key_in_use
    // while the first request with the key is still being answered. Purges expired keys.
    std::optional<ApiResponse> begin(const Claim &claim);
    // Stores the answer of the work begin() let through (2xx), or releases the key (else).
    void finish(const Claim &claim, const ApiResponse &response);
    // Releases the key after the work failed with an exception.
    void release(const Claim &claim);

    // The stored answer as the client gets it again.
    static ApiResponse replayed(int status, const QByteArray &body, const QByteArray &location);

private:
    void purgeExpired();

    const db::Database &m_control;
};

} // namespace tf::http
