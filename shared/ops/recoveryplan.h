#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace tf::ops {

struct RecoveryPlanRequest
{
    QString scenario;           // service_outage, data_corruption, complete_failure
    QStringList components;     // gateway, syncd, database; empty: the scenario's default
    QString tfctl;              // path of tfctl the script runs (TFCTL in its environment wins)
    QStringList tfctlArguments; // --data-dir DIR [--config FILE]
    QUrl gatewayUrl;            // for the verification steps
    QUrl syncUrl;
    QString createdBy;
};

struct RecoveryPlan
{
    QString name;        // recovery_plan_<scenario>_<yyyyMMdd_HHmmss>[_N].md
    QString scriptName;  // the same with .sh
    QString scenario;
    QStringList components;
    QDateTime createdAt;
    QString createdBy;
    qint64 sizeBytes = 0;
    QStringList commands; // the tfctl command lines of the script, in order
    QJsonObject toJson() const;
};

// Runbooks for the three situations of the runbook's section 6.2 (disaster_recovery.py
// create-plan): a Markdown plan and an executable bash script of its tfctl steps, written
// side by side into <data>/recovery_scripts/. Names are checked against the one pattern the
// plans are written with, so a name from a request can never leave the folder.
class RecoveryPlans final
{
public:
    explicit RecoveryPlans(QString directory);

    static const QStringList &scenarios();
    static const QStringList &componentNames();
    static QStringList defaultComponents(const QString &scenario);
    static bool isPlanName(const QString &name); // with or without .md / .sh

    // Throws tf::Error(Validation) naming an unknown scenario or component.
    RecoveryPlan create(const RecoveryPlanRequest &request);
    QList<RecoveryPlan> list() const; // newest first
    // BadRequest for a name that is not a plan's, NotFound for one that does not exist.
    RecoveryPlan get(const QString &name) const;
    QString markdown(const QString &name) const;
    QString script(const QString &name) const;

    QString directory() const { return m_directory; }

private:
    QString checkedPath(const QString &name, const QString &extension) const;
    RecoveryPlan read(const QString &markdownPath) const;

    QString m_directory;
};

} // namespace tf::ops
