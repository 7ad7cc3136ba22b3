#pragma once

#include "maintenanceschedule.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace tf::ops {

// Something a maintenance step found that an operator should know, with how much it matters:
// "critical", "high", "medium", "low" or "info".
struct Finding
{
    QString severity;
    QString area; // "security", "performance", "disk", "binaries", "database", "logs", "backup"
    QString code; // stable, e.g. "secret_file_mode", "token_without_expiry"
    QString message; // one line for people
    QJsonObject details;

    QJsonObject toJson() const;
    static int rank(const QString &severity); // critical 4 .. info 0
};

// One task of a run: what it measured and did, as data (JSON) and as Markdown lines.
struct StepResult
{
    QString name; // "clean logs past retention"
    QString status = QStringLiteral("ok"); // ok, warning (findings), failed, skipped
    qint64 durationMs = 0;
    QString summary; // one line
    QJsonObject data; // the numbers
    QStringList markdown; // the step's section body
    QList<Finding> findings;

    QJsonObject toJson() const;
};

struct MaintenanceReport
{
    qint64 runId = 0;
    MaintenanceKind kind = MaintenanceKind::Weekly;
    QString triggeredBy;
    QString node;
    QDateTime scheduledFor; // invalid for runs started by hand
    QDateTime startedAt;
    QDateTime finishedAt;
    QString status; // completed, completed_with_errors, failed
    QList<StepResult> steps;
    QString markdownPath; // <data>/reports/maintenance-<kind>-<time>.md
    QString jsonPath;

    QList<Finding> findings() const; // every step's, most severe first
    // {"critical": n, "high": n, ...}
    QJsonObject findingCounts() const;
    QJsonObject toJson() const;
    QString toMarkdown() const;
};

// "12.3 MiB" style sizes for reports.
QString humanBytes(qint64 bytes);

// Nearest-rank percentile (p in 0..100) of the values; -1 when empty. The reports and their
// tests use this one definition.
double percentile(QList<double> values, double p);

} // namespace tf::ops
