#pragma once

// Audit entries for the console's audit tests, appended through the repository (so the hash
// chain stays valid) to the control database of a GatewayProxyFixture's gateway.
#include "db/controldatabase.h"
#include "db/repositories/auditrepository.h"

#include <QJsonObject>

namespace tf::test {

// n entries a second apart from `from`: users alice and bob by turns, every 5th a
// sync_pair.updated with before and after states (field "name" changed, "value" kept), the
// rest sync.completed, every 10th severity error. Returns them oldest first.
inline QList<db::AuditEntry> seedAuditTrail(const QString &dataDir, int n, const QDateTime &from)
{
    auto control = db::ControlDatabase::open(dataDir + QStringLiteral("/terrafusion.db"), false);
    db::AuditRepository audit(control->database());
    QList<db::AuditEntry> written;
    for (int i = 0; i < n; ++i) {
        db::AuditEntry entry;
        entry.createdAt = from.addSecs(i);
        entry.username = i % 2 ? QStringLiteral("alice") : QStringLiteral("bob");
        entry.severity = i % 10 == 0 ? QStringLiteral("error") : QStringLiteral("info");
        entry.resourceType = QStringLiteral("sync_pair");
        entry.resourceId = QString::number(i % 7);
        entry.ipAddress = QStringLiteral("192.0.2.%1").arg(i % 250 + 1);
        entry.correlationId = QStringLiteral("req-%1").arg(i);
        entry.userAgent = QStringLiteral("tst-console");
        if (i % 5 == 0) {
            entry.eventType = QStringLiteral("sync_pair.updated");
            entry.description = QStringLiteral("pair %1 renamed").arg(i % 7);
            entry.previousState = { { QStringLiteral("name"), QStringLiteral("parcels %1").arg(i) }, { QStringLiteral("value"), 10 } };
            entry.newState = { { QStringLiteral("name"), QStringLiteral("parcels %1 (renamed)").arg(i) }, { QStringLiteral("value"), 10 } };
        } else {
            entry.eventType = QStringLiteral("sync.completed");
            entry.description = QStringLiteral("run %1 of pair %2").arg(i).arg(i % 7);
        }
        written.append(audit.append(entry));
    }
    control->database().closeThreadConnection();
    return written;
}

} // namespace tf::test
