#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace tf::db {
class Database;
}

namespace tf::ops {

// The operations summary the quarterly run refreshes (seed: "Update documentation"):
// <data>/reports/operations-report.md and .json, replaced each time. It states what runs
// where from the live data: database and schema, sync pairs with schedules and last results,
// the maintenance windows with their next and last runs, backups on disk, open alerts and
// quarantine.
struct OperationsReport
{
    QJsonObject data;
    QStringList markdown;
    QString markdownPath;
    QString jsonPath;
};

OperationsReport buildOperationsReport(db::Database &database, const QString &dataDir,
                                       const QString &databaseUrl);
// Writes both files (mode 0600) into <data>/reports; fills the paths.
void writeOperationsReport(OperationsReport &report, const QString &dataDir);

} // namespace tf::ops
