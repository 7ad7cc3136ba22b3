#pragma once

#include "common/router.h"
#include "syncapicontext.h"

namespace tf::syncd {

// The quarantine of rows that failed mapping or validation: list per pair or across pairs
// (with the open counts per pair), read, edit the
// transformed row, discard, and replay (one entry, or every open entry of a pair). A replay
// writes to the target system, so it runs through QuarantineReplayer on a BackgroundJobs
// thread and answers with each entry's outcome.
class QuarantineController final
{
    Q_DISABLE_COPY_MOVE(QuarantineController)
public:
    explicit QuarantineController(SyncApiContext context);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse list(const http::ApiRequest &request) const;
    // Entries across pairs, newest first, with filters (open ones by default).
    http::ApiResponse listAll(const http::ApiRequest &request) const;
    // The open total and the open count of each pair that has any.
    http::ApiResponse summary(const http::ApiRequest &request) const;
    http::ApiResponse get(const http::ApiRequest &request) const;
    http::ApiResponse edit(const http::ApiRequest &request);
    http::ApiResponse discard(const http::ApiRequest &request);
    void replayOne(const http::ApiRequest &request, const http::Router::Reply &reply);
    void replayPair(const http::ApiRequest &request, const http::Router::Reply &reply);

    // Conflict while a sync of the pair runs: a replay would race it on the target.
    void requireIdle(qint64 pairId) const;
    // Runs the replay of `ids` (all open entries of the pair when empty) on a job thread.
    void replayLater(const http::ApiRequest &request, const http::Router::Reply &reply,
                     qint64 pairId, QList<qint64> ids);

    SyncApiContext m_context;
};

} // namespace tf::syncd
