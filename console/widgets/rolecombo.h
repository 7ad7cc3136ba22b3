#pragma once

#include <QComboBox>

namespace tf::console {

// The user roles, least to most: viewer, auditor, operator, admin (the values the API takes).
class RoleCombo final : public QComboBox
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RoleCombo)

public:
    explicit RoleCombo(QWidget *parent = nullptr);

    QString role() const;
    void setRole(const QString &role);
};

} // namespace tf::console
