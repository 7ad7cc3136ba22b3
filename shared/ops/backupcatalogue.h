#pragma once

#include "backupmanager.h"

#include <QList>
#include <QString>

namespace tf::db {
class Database;
}

namespace tf::ops {

// The `backups` table: one row per backup file, for the API and reports. The folder is the
// truth (a restore brings back the table as it was at that backup's time, so it is refreshed
// from the folder afterwards).
class BackupCatalogue final
{
public:
    explicit BackupCatalogue(const db::Database &database);

    // Inserts or updates the row of this backup.
    void record(const BackupInfo &backup);
    void forget(const QString &name);
    // Makes the table hold exactly these backups.
    void replaceAll(const QList<BackupInfo> &backups);

private:
    const db::Database &m_database;
};

} // namespace tf::ops
