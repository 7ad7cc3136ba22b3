#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace tf::auth {

// What a route needs (DESIGN.md section 6). Every gateway route names one permission; the
// table in permissions.cpp says which roles hold it. `Authenticated` means any valid caller
// (your own session: /api/auth/me, logout, password change).
enum class Permission {
    Authenticated,
    StatusRead,       // status, health details, /api/changes
    MetricsRead,      // current metrics and history
    PairsRead,        // sync pairs and systems
    PairsWrite,       // create, update, delete, enable, disable pairs and systems
    OperationsRead,   // sync operations, their changes
    SyncRun,          // start, cancel, retry operations
    AlertsRead,
    AlertsAcknowledge,
    QuarantineRead,
    QuarantineWrite,  // edit, replay, discard
    AuditRead,
    AuditExport,
    UsersRead,
    UsersWrite,
    TokensRead,
    TokensWrite,
    BackupsRead,
    BackupsCreate,
    BackupsRestore,
    BackupsDelete,
    ServicesRestart,
    MaintenanceRead,
    MaintenanceRun,
    RecoveryRead,
    RecoveryWrite,
};

enum class Role { Admin, Operator, Auditor, Viewer, Service };

QString roleName(Role role);
// Parses "admin", "operator", "auditor", "viewer", "service"; false when unknown.
bool parseRole(const QString &name, Role *role);
QStringList userRoleNames(); // the four roles a user or API token may have

QString permissionName(Permission permission);
QList<Permission> allPermissions();
// The one table: does this role hold this permission? The service role (the gateway's token
// at tf-syncd) holds none here; tf-syncd checks it separately.
bool roleAllows(Role role, Permission permission);
QStringList rolesAllowed(Permission permission);

} // namespace tf::auth
