#pragma once

#include "common/router.h"
#include "common/servicecontext.h"

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

class JobRegistry;

// /api/backups (backup_utilities.py over HTTP; ops::BackupManager does the work).
//   GET    /api/backups                  {items, next_cursor}: newest first (?limit, ?cursor)
//   POST   /api/backups                  {"label"?} -> 202 with the job (poll /api/jobs/<id>)
//   GET    /api/backups/<name>           one backup with its manifest; ETag: the manifest's hash
//   POST   /api/backups/<name>/restore   {"safety_backup"?: true} -> 202 with the job
//   DELETE /api/backups/<name>           honours If-Match (412 when the file was replaced)
// A name is a file name in the backups folder ([A-Za-z0-9._-], not starting with '.'):
// anything else, a separator or traversal included, is 400 before the disk is touched; an
// unknown one 404. Backup and restore jobs run one at a time ("database" jobs); the restore
// job fails with the reason when the file is corrupted or truncated (nothing changed).
// The same start while it runs joins the running job; another one is 409 job_running.
class BackupsController final
{
public:
    BackupsController(const DatabaseState &database, JobRegistry &jobs,
                      const ServiceContext &context);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse list(const http::ApiRequest &request) const;
    http::ApiResponse get(const http::ApiRequest &request) const;
    http::ApiResponse create(const http::ApiRequest &request);
    http::ApiResponse restore(const http::ApiRequest &request);
    http::ApiResponse remove(const http::ApiRequest &request);
    // The name path parameter, checked: 400 when malformed, 404 when there is no such backup.
    QString existingName(const http::ApiRequest &request) const;
    QString backupsDir() const;

    const DatabaseState &m_database;
    JobRegistry &m_jobs;
    const ServiceContext &m_context;
};

} // namespace tf::gateway
