#include "maintenancescheduler.h"

#include "common/databasestate.h"
#include "core/config.h"
#include "core/errors.h"
#include "db/connection.h"
#include "ops/maintenancepause.h"
#include "ops/maintenancerunstore.h"
#include "ops/maintenanceschedule.h"

#include <QLoggingCategory>
#include <QSqlQuery>

Q_LOGGING_CATEGORY(lcMaintenanceScheduler, "syncd.maintenance")

namespace tf::syncd {

MaintenanceScheduler::Settings MaintenanceScheduler::Settings::fromConfig(const Config &config)
{
    Settings settings;
    if (config.contains(QStringLiteral("maintenance/enabled")))
        settings.enabled = config.boolean(QStringLiteral("maintenance/enabled"));
    if (config.contains(QStringLiteral("maintenance/check_interval_ms")))
        settings.interval = std::chrono::milliseconds(
            config.integer64(QStringLiteral("maintenance/check_interval_ms"), 50, 3600000));
    if (config.contains(QStringLiteral("maintenance/catch_up_hours")))
        settings.catchUpHours
            = config.integer(QStringLiteral("maintenance/catch_up_hours"), 0, 24 * 90);
    return settings;
}

MaintenanceScheduler::MaintenanceScheduler(const DatabaseState &database,
                                           const ServiceContext &context, Settings settings)
    : m_database(database)
    , m_maintenance(ops::MaintenanceSettings::fromConfig(context.config, context.dataDir,
                                                         context.databaseUrl, context.nodeId))
    , m_settings(settings)
    , m_startedAt(QDateTime::currentDateTime())
    , m_task(QStringLiteral("maintenance"), settings.interval, [this] { tickIfOpen(); })
{ }

MaintenanceScheduler::~MaintenanceScheduler()
{
    stop();
}

void MaintenanceScheduler::start()
{
    if (!m_settings.enabled) {
        qCInfo(lcMaintenanceScheduler, "maintenance schedule off (maintenance/enabled = false)");
        return;
    }
    m_startedAt = QDateTime::currentDateTime();
    const QDateTime now = QDateTime::currentDateTime();
    QStringList next;
    for (ops::MaintenanceKind kind : ops::allMaintenanceKinds())
        next << QStringLiteral("%1 %2").arg(ops::maintenanceKindName(kind),
                                            ops::isoWithOffset(ops::nextMaintenance(kind, now)));
    qCInfo(lcMaintenanceScheduler, "maintenance schedule on; next runs: %s",
           qPrintable(next.join(QStringLiteral(", "))));
    m_task.start();
}

void MaintenanceScheduler::stop()
{
    m_task.stop();
}

void MaintenanceScheduler::tickIfOpen()
{
    // Not while a restore replaces the database (the pause tf-syncd's other schedulers honour).
    if (ops::MaintenancePause::current(ops::MaintenancePause::pathFor(m_maintenance.dataDir))
            .active)
        return;
    if (m_database.isOpen())
        tick(m_database.database().database(), QDateTime::currentDateTime());
}

bool MaintenanceScheduler::hasEarlierRuns(db::Database &control, const QDateTime &before) const
{
    QSqlQuery query = control.prepare(
        QStringLiteral("SELECT 1 FROM maintenance_runs WHERE started_at < ? LIMIT 1"));
    query.addBindValue(control.dialect().toDb(before.toUTC()));
    control.exec(query, "looking for earlier maintenance runs");
    const bool found = query.next();
    query.finish();
    return found;
}

QList<qint64> MaintenanceScheduler::tick(db::Database &control, const QDateTime &now)
{
    QList<qint64> executed;
    ops::MaintenanceRunStore store(control);
    for (ops::MaintenanceKind kind : ops::allMaintenanceKinds()) {
        const QString name = ops::maintenanceKindName(kind);
        const QDateTime slot = ops::previousMaintenance(kind, now);
        if (!slot.isValid() || store.slotClaimed(kind, slot))
            continue;
        const bool becameDueWhileUp = slot >= m_startedAt;
        const bool recentEnough = slot.secsTo(now) <= qint64(m_settings.catchUpHours) * 3600;
        if (!becameDueWhileUp && !(recentEnough && hasEarlierRuns(control, slot))) {
            const QString key = name + QLatin1Char('@') + slot.toString(Qt::ISODate);
            if (recentEnough && !m_reported.contains(key)) {
                m_reported.insert(key);
                qCInfo(
                    lcMaintenanceScheduler,
                    "%s maintenance due at %s not made up: no maintenance has run on this database "
                    "yet; next at %s (tfctl maintenance run --type %s runs it now)",
                    qPrintable(name), qPrintable(ops::isoWithOffset(slot)),
                    qPrintable(ops::isoWithOffset(ops::nextMaintenance(kind, now))),
                    qPrintable(name));
            }
            continue;
        }
        ops::MaintenanceRunner runner(control, m_maintenance);
        ops::MaintenanceRequest request;
        request.kind = kind;
        request.triggeredBy = becameDueWhileUp
            ? QStringLiteral("schedule")
            : QStringLiteral("schedule (missed, made up at start)");
        request.scheduledFor = slot;
        qint64 runId = 0;
        try {
            runId = runner.claim(request);
        } catch (const Error &error) {
            // Another node took the slot, or a run of this kind is still going.
            qCDebug(lcMaintenanceScheduler, "%s maintenance due at %s not started here: %s",
                    qPrintable(name), qPrintable(ops::isoWithOffset(slot)),
                    qPrintable(error.message()));
            continue;
        }
        qCInfo(lcMaintenanceScheduler, "%s maintenance due at %s starts as run %lld",
               qPrintable(name), qPrintable(ops::isoWithOffset(slot)),
               static_cast<long long>(runId));
        runner.execute(runId, request);
        executed << runId;
    }
    return executed;
}

} // namespace tf::syncd
