#include "recoveryplan.h"

#include "core/errors.h"
#include "core/paths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>

namespace tf::ops {

namespace {

const QRegularExpression &planPattern()
{
    static const QRegularExpression pattern(QStringLiteral(
        "^(recovery_plan_(service_outage|data_corruption|complete_failure)_[0-9]{8}_[0-9]{6}(_[0-9]{1,3})?)(\\.md|\\.sh)?$"));
    return pattern;
}

struct Step
{
    QString text;     // what the step does, in the runbook's words
    QString command;  // tfctl verb and arguments; empty for a step a person does
    bool mayFail = false; // a diagnosis: the script goes on when it fails
};

QList<Step> stepsFor(const QString &scenario, const QStringList &components, const QString &dataDir)
{
    const bool gateway = components.contains(QStringLiteral("gateway"));
    const bool syncd = components.contains(QStringLiteral("syncd"));
    const bool database = components.contains(QStringLiteral("database"));
    QList<Step> steps;
    if (scenario == QLatin1String("service_outage")) {
        steps << Step { QStringLiteral("Verify the cause of the service outage (which component is down)"), QStringLiteral("check"), true };
        steps << Step { QStringLiteral("Check system logs for error messages (%1/logs: \"Error starting SyncService\", "
                                       "\"Failed to restart SyncService after X attempts\")").arg(dataDir), {}, false };
        if (syncd || !gateway)
            steps << Step { QStringLiteral("Restart the SyncService (tf-syncd)"), QStringLiteral("restart-sync"), false };
        if (gateway || !syncd)
            steps << Step { QStringLiteral("Restart the API Gateway (tf-gateway)"), QStringLiteral("restart-api"), false };
        if (database)
            steps << Step { QStringLiteral("Check the database connectivity (PostgreSQL service, DATABASE_URL)"), {}, false };
        steps << Step { QStringLiteral("Verify that all services are operational"), QStringLiteral("check"), false };
        steps << Step { QStringLiteral("Run test operations to confirm functionality (e.g. a dry run of one pair)"), {}, false };
    } else if (scenario == QLatin1String("data_corruption")) {
        steps << Step { QStringLiteral("Identify the affected data entities (report only)"), QStringLiteral("fix-corruption all --dry-run"), true };
        steps << Step { QStringLiteral("Create a backup of the current database state"), QStringLiteral("backup --label pre-fix-corruption"), false };
        steps << Step { QStringLiteral("Repair corrupted records, setting aside what cannot be repaired safely"), QStringLiteral("fix-corruption all"), false };
        steps << Step { QStringLiteral("Re-validate data integrity after recovery"), QStringLiteral("fix-corruption all --dry-run"), false };
        if (gateway || syncd)
            steps << Step { QStringLiteral("Restart services"), QStringLiteral("restart-all"), false };
        steps << Step { QStringLiteral("Monitor the system for any remaining issues"), QStringLiteral("check"), false };
    } else {
        steps << Step { QStringLiteral("Verify infrastructure and dependencies are operational"), QStringLiteral("check"), true };
        if (database)
            steps << Step { QStringLiteral("Restore the database from the latest verified backup, migrate, and start the services "
                                           "(SyncService, then API Gateway)"), QStringLiteral("recover"), false };
        else
            steps << Step { QStringLiteral("Start the services (SyncService, then API Gateway)"), QStringLiteral("restart-all"), false };
        steps << Step { QStringLiteral("Verify system health and functionality"), QStringLiteral("check"), false };
        steps << Step { QStringLiteral("Run post-recovery validation tests"), QStringLiteral("fix-corruption all --dry-run"), false };
        steps << Step { QStringLiteral("Document the cause of failure and preventive measures"), {}, false };
    }
    return steps;
}

QString shellQuote(const QString &text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString headerValue(const QString &markdown, const QString &label)
{
    const QRegularExpression line(QStringLiteral("^\\*\\*%1:\\*\\* (.*)$").arg(QRegularExpression::escape(label)),
                                  QRegularExpression::MultilineOption);
    return line.match(markdown).captured(1).trimmed();
}

} // namespace

QJsonObject RecoveryPlan::toJson() const
{
    return QJsonObject {
        { QStringLiteral("name"), name },
        { QStringLiteral("script"), scriptName },
        { QStringLiteral("scenario"), scenario },
        { QStringLiteral("components"), QJsonArray::fromStringList(components) },
        { QStringLiteral("created_at"), createdAt.toString(Qt::ISODateWithMs) },
        { QStringLiteral("created_by"), createdBy },
        { QStringLiteral("size_bytes"), sizeBytes },
        { QStringLiteral("commands"), QJsonArray::fromStringList(commands) },
    };
}

RecoveryPlans::RecoveryPlans(QString directory)
    : m_directory(std::move(directory))
{
}

const QStringList &RecoveryPlans::scenarios()
{
    static const QStringList list { QStringLiteral("service_outage"), QStringLiteral("data_corruption"), QStringLiteral("complete_failure") };
    return list;
}

const QStringList &RecoveryPlans::componentNames()
{
    static const QStringList list { QStringLiteral("gateway"), QStringLiteral("syncd"), QStringLiteral("database") };
    return list;
}

QStringList RecoveryPlans::defaultComponents(const QString &scenario)
{
    if (scenario == QLatin1String("service_outage"))
        return { QStringLiteral("gateway"), QStringLiteral("syncd") };
    if (scenario == QLatin1String("data_corruption"))
        return { QStringLiteral("database") };
    return componentNames();
}

bool RecoveryPlans::isPlanName(const QString &name)
{
    return planPattern().match(name).hasMatch();
}

QString RecoveryPlans::checkedPath(const QString &name, const QString &extension) const
{
    const QRegularExpressionMatch match = planPattern().match(name);
    if (!match.hasMatch()) {
        throw Error(Error::Kind::BadRequest, QStringLiteral("'%1' is not a recovery plan name (recovery_plan_<scenario>_<yyyyMMdd_HHmmss>.md)")
                                                 .arg(name.left(120)),
                    QJsonObject { { QStringLiteral("field"), QStringLiteral("name") } });
    }
    const QString path = m_directory + QLatin1Char('/') + match.captured(1) + extension;
    if (!QFileInfo(path).isFile())
        throw Error(Error::Kind::NotFound, QStringLiteral("recovery plan %1 not found").arg(match.captured(1) + extension));
    return path;
}

RecoveryPlan RecoveryPlans::create(const RecoveryPlanRequest &request)
{
    if (!scenarios().contains(request.scenario)) {
        throw Error(Error::Kind::Validation, QStringLiteral("unknown scenario '%1'; use %2")
                                                 .arg(request.scenario, scenarios().join(QStringLiteral(", "))),
                    QJsonObject { { QStringLiteral("field"), QStringLiteral("scenario") } });
    }
    QStringList components;
    for (const QString &component : request.components) {
        if (!componentNames().contains(component)) {
            throw Error(Error::Kind::Validation, QStringLiteral("unknown component '%1'; use %2")
                                                     .arg(component, componentNames().join(QStringLiteral(", "))),
                        QJsonObject { { QStringLiteral("field"), QStringLiteral("components") } });
        }
        if (!components.contains(component))
            components << component;
    }
    if (components.isEmpty())
        components = defaultComponents(request.scenario);

    paths::ensureDir(m_directory);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QString stem = QStringLiteral("recovery_plan_%1_%2").arg(request.scenario, now.toString(QStringLiteral("yyyyMMdd_HHmmss")));
    for (int n = 2; QFile::exists(m_directory + QLatin1Char('/') + stem + QStringLiteral(".md")); ++n)
        stem = QStringLiteral("recovery_plan_%1_%2_%3").arg(request.scenario, now.toString(QStringLiteral("yyyyMMdd_HHmmss"))).arg(n);

    const qsizetype dataDirAt = request.tfctlArguments.indexOf(QStringLiteral("--data-dir"));
    const QString dataDir = dataDirAt < 0 ? QStringLiteral("<data>") : request.tfctlArguments.value(dataDirAt + 1);
    const QList<Step> steps = stepsFor(request.scenario, components, dataDir);
    const QString arguments = request.tfctlArguments.join(QLatin1Char(' '));

    QString markdown;
    markdown += QStringLiteral("# TerraFusion SyncService Recovery Plan\n\n");
    markdown += QStringLiteral("**Issue Type:** %1\n").arg(request.scenario);
    markdown += QStringLiteral("**Created:** %1\n").arg(now.toString(Qt::ISODateWithMs));
    markdown += QStringLiteral("**Created By:** %1\n").arg(request.createdBy);
    markdown += QStringLiteral("**Affected Components:** %1\n").arg(components.join(QStringLiteral(", ")));
    markdown += QStringLiteral("**Script:** %1.sh (runs the tfctl steps below in order and stops at the first that fails)\n\n").arg(stem);
    markdown += QStringLiteral("## Recovery Steps\n\n");
    QStringList commands;
    int number = 0;
    for (const Step &step : steps) {
        ++number;
        markdown += QStringLiteral("%1. %2").arg(number).arg(step.text);
        if (!step.command.isEmpty()) {
            const QString line = QStringLiteral("tfctl %1 %2").arg(step.command, arguments).trimmed();
            commands << line;
            markdown += QStringLiteral(":\n   `%1`%2").arg(line, step.mayFail ? QStringLiteral(" (a diagnosis: the script goes on if it fails)") : QString());
        } else {
            markdown += QStringLiteral(" (by hand)");
        }
        markdown += QLatin1Char('\n');
    }
    markdown += QStringLiteral("\n## Verification Steps\n\n");
    markdown += QStringLiteral("1. Check service health endpoints:\n");
    markdown += QStringLiteral("   - API Gateway: `%1/api/status`\n").arg(request.gatewayUrl.toString());
    markdown += QStringLiteral("   - SyncService: `%1/health`\n").arg(request.syncUrl.toString());
    markdown += QStringLiteral("2. Verify database connectivity: `tfctl check %1`\n").arg(arguments);
    markdown += QStringLiteral("3. Execute test operations via API endpoints\n");
    markdown += QStringLiteral("4. Check system metrics for unusual patterns\n");
    markdown += QStringLiteral("5. Verify audit log for recovery actions\n");
    markdown += QStringLiteral("\n## Post-Recovery Actions\n\n");
    markdown += QStringLiteral("1. Document the incident and recovery process\n");
    markdown += QStringLiteral("2. Analyze root cause and identify preventive measures\n");
    markdown += QStringLiteral("3. Update monitoring and alerting if needed\n");
    markdown += QStringLiteral("4. Review and improve recovery procedures based on lessons learned\n");
    markdown += QStringLiteral("5. Communicate with stakeholders about the incident and resolution\n");

    QString script;
    script += QStringLiteral("#!/usr/bin/env bash\n");
    script += QStringLiteral("# TerraFusion SyncService recovery plan: %1 (%2)\n").arg(request.scenario, components.join(QStringLiteral(", ")));
    script += QStringLiteral("# Created %1 by %2; the plan is %3.md beside this file.\n").arg(now.toString(Qt::ISODate), request.createdBy, stem);
    script += QStringLiteral("# Every step is a tfctl command; the script stops at the first step that fails.\n");
    script += QStringLiteral("set -euo pipefail\n\n");
    script += QStringLiteral("TFCTL=\"${TFCTL:-%1}\"\n").arg(request.tfctl);
    QStringList quoted;
    for (const QString &argument : request.tfctlArguments)
        quoted << shellQuote(argument);
    script += QStringLiteral("TF_ARGS=(%1)\n").arg(quoted.join(QLatin1Char(' ')));
    script += QStringLiteral("step() { printf '==> step %s: %s\\n' \"$1\" \"$2\"; }\n\n");
    number = 0;
    for (const Step &step : steps) {
        ++number;
        if (step.command.isEmpty())
            continue;
        script += QStringLiteral("step %1 %2\n").arg(number).arg(shellQuote(step.text));
        script += QStringLiteral("\"$TFCTL\" %1 \"${TF_ARGS[@]}\"%2\n").arg(step.command, step.mayFail ? QStringLiteral(" || true") : QString());
    }
    script += QStringLiteral("printf '==> recovery plan %1 finished\\n'\n").arg(stem);

    const QString markdownPath = m_directory + QLatin1Char('/') + stem + QStringLiteral(".md");
    const QString scriptPath = m_directory + QLatin1Char('/') + stem + QStringLiteral(".sh");
    const auto readable = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup;
    if (!paths::writeFileAtomically(markdownPath, markdown.toUtf8(), readable)
        || !paths::writeFileAtomically(scriptPath, script.toUtf8(), readable | QFileDevice::ExeOwner | QFileDevice::ExeGroup)) {
        throw Error(Error::Kind::Unavailable, QStringLiteral("cannot write the recovery plan into %1").arg(m_directory));
    }
    RecoveryPlan plan = read(markdownPath);
    plan.commands = commands;
    return plan;
}

RecoveryPlan RecoveryPlans::read(const QString &markdownPath) const
{
    QFile file(markdownPath);
    RecoveryPlan plan;
    plan.name = QFileInfo(markdownPath).fileName();
    plan.scriptName = plan.name.chopped(3) + QStringLiteral(".sh");
    if (!file.open(QIODevice::ReadOnly))
        return plan;
    const QString markdown = QString::fromUtf8(file.readAll());
    plan.sizeBytes = file.size();
    plan.scenario = headerValue(markdown, QStringLiteral("Issue Type"));
    plan.createdAt = QDateTime::fromString(headerValue(markdown, QStringLiteral("Created")), Qt::ISODate);
    plan.createdBy = headerValue(markdown, QStringLiteral("Created By"));
    plan.components = headerValue(markdown, QStringLiteral("Affected Components")).split(QStringLiteral(", "), Qt::SkipEmptyParts);
    static const QRegularExpression command(QStringLiteral("^   `(tfctl [^`]*)`"), QRegularExpression::MultilineOption);
    for (auto it = command.globalMatch(markdown); it.hasNext();)
        plan.commands << it.next().captured(1);
    return plan;
}

QList<RecoveryPlan> RecoveryPlans::list() const
{
    QList<RecoveryPlan> plans;
    const QDir dir(m_directory);
    for (const QString &name : dir.entryList({ QStringLiteral("recovery_plan_*.md") }, QDir::Files, QDir::Name | QDir::Reversed)) {
        if (isPlanName(name))
            plans << read(dir.filePath(name));
    }
    std::stable_sort(plans.begin(), plans.end(), [](const RecoveryPlan &a, const RecoveryPlan &b) { return a.createdAt > b.createdAt; });
    return plans;
}

RecoveryPlan RecoveryPlans::get(const QString &name) const
{
    return read(checkedPath(name, QStringLiteral(".md")));
}

QString RecoveryPlans::markdown(const QString &name) const
{
    QFile file(checkedPath(name, QStringLiteral(".md")));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

QString RecoveryPlans::script(const QString &name) const
{
    QFile file(checkedPath(name, QStringLiteral(".sh")));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace tf::ops
