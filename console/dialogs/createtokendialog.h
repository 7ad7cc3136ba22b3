#pragma once

#include "formdialog.h"

#include <QJsonObject>

class QCheckBox;
class QLineEdit;
class QSpinBox;

namespace tf::console {

class RoleCombo;

// A new API token for a program: name, role, and expiry in days (or never). body() is what
// POST /api/tokens takes.
class CreateTokenDialog final : public FormDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CreateTokenDialog)

public:
    explicit CreateTokenDialog(QWidget *parent = nullptr);

    QJsonObject body() const;

protected:
    QString problem() const override;

private:
    QLineEdit *m_name;
    RoleCombo *m_role;
    QSpinBox *m_days;
    QCheckBox *m_never;
};

} // namespace tf::console
