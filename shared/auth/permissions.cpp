#include "permissions.h"

namespace tf::auth {

namespace {

struct PermissionRow
{
    Permission permission;
    const char *name;
    bool admin, operatorRole, auditor, viewer;
};

// DESIGN.md section 6: admin everything; operator pairs, syncs, quarantine, backups,
// maintenance; auditor reads everything plus the audit trail and its export; viewer reads
// status, pairs, operations, metrics.
constexpr PermissionRow kTable[] = {
    //                                              admin operator auditor viewer
    { Permission::Authenticated, "authenticated",     true, true,  true,  true },
    { Permission::StatusRead, "status:read",           true, true,  true,  true },
    { Permission::MetricsRead, "metrics:read",         true, true,  true,  true },
    { Permission::PairsRead, "pairs:read",             true, true,  true,  true },
    { Permission::PairsWrite, "pairs:write",           true, true,  false, false },
    { Permission::OperationsRead, "operations:read",   true, true,  true,  true },
    { Permission::SyncRun, "sync:run",                 true, true,  false, false },
    { Permission::AlertsRead, "alerts:read",           true, true,  true,  true },
    { Permission::AlertsAcknowledge, "alerts:ack",     true, true,  false, false },
    { Permission::QuarantineRead, "quarantine:read",   true, true,  true,  false },
    { Permission::QuarantineWrite, "quarantine:write", true, true,  false, false },
    { Permission::AuditRead, "audit:read",             true, false, true,  false },
    { Permission::AuditExport, "audit:export",         true, false, true,  false },
    { Permission::UsersRead, "users:read",             true, false, true,  false },
    { Permission::UsersWrite, "users:write",           true, false, false, false },
    { Permission::TokensRead, "tokens:read",           true, false, true,  false },
    { Permission::TokensWrite, "tokens:write",         true, false, false, false },
    { Permission::BackupsRead, "backups:read",         true, true,  true,  false },
    { Permission::BackupsCreate, "backups:create",     true, true,  false, false },
    { Permission::BackupsRestore, "backups:restore",   true, false, false, false },
    { Permission::BackupsDelete, "backups:delete",     true, false, false, false },
    { Permission::ServicesRestart, "services:restart", true, false, false, false },
    { Permission::MaintenanceRead, "maintenance:read", true, true,  true,  false },
    { Permission::MaintenanceRun, "maintenance:run",   true, true,  false, false },
    { Permission::RecoveryRead, "recovery:read",       true, true,  true,  false },
    { Permission::RecoveryWrite, "recovery:write",     true, false, false, false },
};

const PermissionRow *rowFor(Permission permission)
{
    for (const PermissionRow &row : kTable) {
        if (row.permission == permission)
            return &row;
    }
    return nullptr;
}

} // namespace

QString roleName(Role role)
{
    switch (role) {
    case Role::Admin: return QStringLiteral("admin");
    case Role::Operator: return QStringLiteral("operator");
    case Role::Auditor: return QStringLiteral("auditor");
    case Role::Viewer: return QStringLiteral("viewer");
    case Role::Service: return QStringLiteral("service");
    }
    return QString();
}

bool parseRole(const QString &name, Role *role)
{
    for (Role candidate : { Role::Admin, Role::Operator, Role::Auditor, Role::Viewer, Role::Service }) {
        if (name == roleName(candidate)) {
            *role = candidate;
            return true;
        }
    }
    return false;
}

QStringList userRoleNames()
{
    return { QStringLiteral("admin"), QStringLiteral("operator"), QStringLiteral("auditor"), QStringLiteral("viewer") };
}

QString permissionName(Permission permission)
{
    const PermissionRow *row = rowFor(permission);
    return row ? QString::fromLatin1(row->name) : QString();
}

QList<Permission> allPermissions()
{
    QList<Permission> permissions;
    for (const PermissionRow &row : kTable)
        permissions.append(row.permission);
    return permissions;
}

bool roleAllows(Role role, Permission permission)
{
    const PermissionRow *row = rowFor(permission);
    if (!row)
        return false;
    switch (role) {
    case Role::Admin: return row->admin;
    case Role::Operator: return row->operatorRole;
    case Role::Auditor: return row->auditor;
    case Role::Viewer: return row->viewer;
    case Role::Service: return false;
    }
    return false;
}

QStringList rolesAllowed(Permission permission)
{
    QStringList roles;
    for (Role role : { Role::Admin, Role::Operator, Role::Auditor, Role::Viewer }) {
        if (roleAllows(role, permission))
            roles.append(roleName(role));
    }
    return roles;
}

} // namespace tf::auth
