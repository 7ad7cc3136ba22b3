#include "maintenanceschedule.h"

#include "core/errors.h"
#include "sync/schedule/cronschedule.h"

#include <QJsonArray>

namespace tf::ops {

QString maintenanceKindName(MaintenanceKind kind)
{
    switch (kind) {
    case MaintenanceKind::Weekly:
        return QStringLiteral("weekly");
    case MaintenanceKind::Monthly:
        return QStringLiteral("monthly");
    case MaintenanceKind::Quarterly:
        return QStringLiteral("quarterly");
    }
    return QString();
}

QList<MaintenanceKind> allMaintenanceKinds()
{
    return { MaintenanceKind::Weekly, MaintenanceKind::Monthly, MaintenanceKind::Quarterly };
}

QStringList maintenanceKindNames()
{
    QStringList names;
    for (MaintenanceKind kind : allMaintenanceKinds())
        names << maintenanceKindName(kind);
    return names;
}

MaintenanceKind parseMaintenanceKind(const QString &name, const QString &field)
{
    for (MaintenanceKind kind : allMaintenanceKinds()) {
        if (name == maintenanceKindName(kind))
            return kind;
    }
    throw Error(Error::Kind::Validation,
                QStringLiteral("%1 must be one of weekly, monthly, quarterly (got '%2')")
                    .arg(field, name.left(64)),
                QJsonObject { { QStringLiteral("field"), field } });
}

MaintenanceWindow maintenanceWindow(MaintenanceKind kind)
{
    switch (kind) {
    case MaintenanceKind::Weekly:
        return { kind,
                 QStringLiteral("0 1 * * SUN"),
                 QStringLiteral("Sundays at 01:00"),
                 { QStringLiteral("check binaries and apply pending migrations"),
                   QStringLiteral("clean logs past retention"),
                   QStringLiteral("back up the database") } };
    case MaintenanceKind::Monthly:
        return { kind,
                 QStringLiteral("0 2 1 * *"),
                 QStringLiteral("1st day of each month at 02:00"),
                 { QStringLiteral("optimize the database"), QStringLiteral("check disk space"),
                   QStringLiteral("rotate logs") } };
    case MaintenanceKind::Quarterly:
        return { kind,
                 QStringLiteral("0 3 15 JAN,APR,JUL,OCT *"),
                 QStringLiteral("15th of Jan, Apr, Jul, Oct at 03:00"),
                 { QStringLiteral("performance review"), QStringLiteral("security audit"),
                   QStringLiteral("refresh the operations reports") } };
    }
    return {};
}

QDateTime nextMaintenance(MaintenanceKind kind, const QDateTime &after)
{
    return sync::CronSchedule::parse(maintenanceWindow(kind).cron).next(after);
}

QDateTime previousMaintenance(MaintenanceKind kind, const QDateTime &at)
{
    // Windows are at most ~92 days apart: step back far enough that one lies in between, then
    // walk forward to the last one not after `at`.
    const sync::CronSchedule cron = sync::CronSchedule::parse(maintenanceWindow(kind).cron);
    QDateTime slot;
    QDateTime candidate = cron.next(at.addDays(-100));
    while (candidate.isValid() && candidate <= at) {
        slot = candidate;
        candidate = cron.next(candidate);
    }
    return slot;
}

QString isoWithOffset(const QDateTime &time)
{
    return time.toOffsetFromUtc(time.offsetFromUtc()).toString(Qt::ISODate);
}

QJsonObject maintenanceWindowJson(MaintenanceKind kind, const QDateTime &now)
{
    const MaintenanceWindow window = maintenanceWindow(kind);
    const QDateTime next = nextMaintenance(kind, now);
    return {
        { QStringLiteral("type"), maintenanceKindName(kind) },
        { QStringLiteral("cron"), window.cron },
        { QStringLiteral("when"), window.when },
        { QStringLiteral("tasks"), QJsonArray::fromStringList(window.tasks) },
        { QStringLiteral("next_run"), isoWithOffset(next) },
        { QStringLiteral("next_run_utc"), next.toUTC().toString(Qt::ISODate) },
    };
}

} // namespace tf::ops
