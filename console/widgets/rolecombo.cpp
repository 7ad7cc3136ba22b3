#include "rolecombo.h"

namespace tf::console {

RoleCombo::RoleCombo(QWidget *parent)
    : QComboBox(parent)
{
    setAccessibleName(tr("Role"));
    addItem(tr("viewer — reads status, pairs, operations"), QStringLiteral("viewer"));
    addItem(tr("auditor — reads everything, the audit trail"), QStringLiteral("auditor"));
    addItem(tr("operator — runs syncs, edits pairs"), QStringLiteral("operator"));
    addItem(tr("admin — everything, users and tokens"), QStringLiteral("admin"));
}

QString RoleCombo::role() const
{
    return currentData().toString();
}

void RoleCombo::setRole(const QString &role)
{
    const int index = findData(role);
    if (index >= 0)
        setCurrentIndex(index);
}

} // namespace tf::console
