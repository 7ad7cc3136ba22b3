#pragma once

#include "common/router.h"
#include "syncapicontext.h"

namespace tf::syncd {

// A cdc pair's held schema changes (docs/cdc.md, "Schema changes"):
//   GET  /sync-pairs/<id>/schema-changes                      the pending ones
//   POST /sync-pairs/<id>/schema-changes/<cid>/approve        optional {"entity": {...}}: the
//        entity definition to stream the table with from the held position on (the pair's
//        entity of that source table is replaced; If-Match honoured, as the pair changes)
//   POST /sync-pairs/<id>/schema-changes/<cid>/reject         the pair is disabled and stays
//        stopped until it is re-snapshotted
//   POST /sync-pairs/<id>/resnapshot                          drops the slot and the stored
//        position (and supersedes every held change): the next run starts from a new snapshot
// Every change is audited. Approving an approved change again answers it unchanged; any other
// decision on a decided change is 409 schema_change_decided.
class SchemaChangesController final
{
    Q_DISABLE_COPY_MOVE(SchemaChangesController)
public:
    explicit SchemaChangesController(SyncApiContext context);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse list(const http::ApiRequest &request) const;
    http::ApiResponse approve(const http::ApiRequest &request);
    http::ApiResponse reject(const http::ApiRequest &request);
    void resnapshot(const http::ApiRequest &request, const http::Router::Reply &reply);

    SyncApiContext m_context;
};

} // namespace tf::syncd
