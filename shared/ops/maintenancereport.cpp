#include "maintenancereport.h"

#include <QJsonArray>
#include <QLocale>
#include <algorithm>
#include <cmath>

namespace tf::ops {

QJsonObject Finding::toJson() const
{
    QJsonObject object { { QStringLiteral("severity"), severity },
                         { QStringLiteral("area"), area },
                         { QStringLiteral("code"), code },
                         { QStringLiteral("message"), message } };
    if (!details.isEmpty())
        object.insert(QStringLiteral("details"), details);
    return object;
}

int Finding::rank(const QString &severity)
{
    static const QStringList order { QStringLiteral("info"), QStringLiteral("low"),
                                     QStringLiteral("medium"), QStringLiteral("high"),
                                     QStringLiteral("critical") };
    return qMax(0, order.indexOf(severity));
}

QJsonObject StepResult::toJson() const
{
    QJsonArray findingArray;
    for (const Finding &finding : findings)
        findingArray.append(finding.toJson());
    return { { QStringLiteral("name"), name },
             { QStringLiteral("status"), status },
             { QStringLiteral("duration_ms"), durationMs },
             { QStringLiteral("summary"), summary },
             { QStringLiteral("data"), data },
             { QStringLiteral("findings"), findingArray } };
}

QList<Finding> MaintenanceReport::findings() const
{
    QList<Finding> all;
    for (const StepResult &step : steps)
        all += step.findings;
    std::stable_sort(all.begin(), all.end(), [](const Finding &a, const Finding &b) {
        return Finding::rank(a.severity) > Finding::rank(b.severity);
    });
    return all;
}

QJsonObject MaintenanceReport::findingCounts() const
{
    QJsonObject counts { { QStringLiteral("critical"), 0 },
                         { QStringLiteral("high"), 0 },
                         { QStringLiteral("medium"), 0 },
                         { QStringLiteral("low"), 0 },
                         { QStringLiteral("info"), 0 } };
    for (const Finding &finding : findings())
        counts.insert(finding.severity, counts.value(finding.severity).toInt() + 1);
    return counts;
}

QJsonObject MaintenanceReport::toJson() const
{
    QJsonArray stepArray;
    for (const StepResult &step : steps)
        stepArray.append(step.toJson());
    QJsonArray findingArray;
    for (const Finding &finding : findings())
        findingArray.append(finding.toJson());
    QJsonObject object {
        { QStringLiteral("run_id"), runId },
        { QStringLiteral("type"), maintenanceKindName(kind) },
        { QStringLiteral("triggered_by"), triggeredBy },
        { QStringLiteral("node"), node },
        { QStringLiteral("status"), status },
        { QStringLiteral("started_at"), startedAt.toUTC().toString(Qt::ISODateWithMs) },
        { QStringLiteral("finished_at"), finishedAt.toUTC().toString(Qt::ISODateWithMs) },
        { QStringLiteral("steps"), stepArray },
        { QStringLiteral("findings"), findingArray },
        { QStringLiteral("finding_counts"), findingCounts() },
    };
    if (scheduledFor.isValid())
        object.insert(QStringLiteral("scheduled_for"), isoWithOffset(scheduledFor));
    if (!markdownPath.isEmpty())
        object.insert(QStringLiteral("markdown_path"), markdownPath);
    if (!jsonPath.isEmpty())
        object.insert(QStringLiteral("json_path"), jsonPath);
    return object;
}

QString MaintenanceReport::toMarkdown() const
{
    const MaintenanceWindow window = maintenanceWindow(kind);
    QStringList lines;
    QString title = maintenanceKindName(kind);
    title[0] = title[0].toUpper();
    lines << QStringLiteral("# %1 maintenance report (run %2)").arg(title).arg(runId) << QString();
    lines << QStringLiteral("- Window: %1 (`%2`)").arg(window.when, window.cron);
    if (scheduledFor.isValid())
        lines << QStringLiteral("- Scheduled for: %1").arg(isoWithOffset(scheduledFor));
    lines << QStringLiteral("- Triggered by: %1 on %2").arg(triggeredBy, node);
    lines << QStringLiteral("- Started: %1, finished: %2 (%3 s)")
                 .arg(startedAt.toUTC().toString(Qt::ISODate),
                      finishedAt.toUTC().toString(Qt::ISODate))
                 .arg(QString::number(startedAt.msecsTo(finishedAt) / 1000.0, 'f', 1));
    lines << QStringLiteral("- Status: **%1**").arg(status) << QString();

    const QList<Finding> all = findings();
    lines << QStringLiteral("## Findings") << QString();
    if (all.isEmpty())
        lines << QStringLiteral("No findings.");
    else {
        lines << QStringLiteral("| severity | area | finding |") << QStringLiteral("|---|---|---|");
        for (const Finding &finding : all)
            lines << QStringLiteral("| %1 | %2 | %3 |")
                         .arg(finding.severity, finding.area,
                              QString(finding.message).replace(QLatin1Char('|'), QLatin1Char('/')));
    }
    lines << QString();
    for (const StepResult &step : steps) {
        lines << QStringLiteral("## %1").arg(step.name) << QString();
        lines << QStringLiteral("Status: %1 in %2 ms. %3")
                     .arg(step.status)
                     .arg(step.durationMs)
                     .arg(step.summary)
              << QString();
        lines += step.markdown;
        lines << QString();
    }
    return lines.join(QLatin1Char('\n'));
}

QString humanBytes(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return -1;
    std::sort(values.begin(), values.end());
    const qsizetype rank = static_cast<qsizetype>(std::ceil(p / 100.0 * double(values.size())));
    return values.at(qBound<qsizetype>(0, rank - 1, values.size() - 1));
}

} // namespace tf::ops
