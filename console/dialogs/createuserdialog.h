#pragma once

#include "formdialog.h"

#include <QJsonObject>

class QCheckBox;
class QLineEdit;

namespace tf::console {

class NewPasswordFields;
class RoleCombo;

// A new user: name, role, initial password (typed twice), must change it at first sign-in
// (on by default). body() is what POST /api/users takes.
class CreateUserDialog final : public FormDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CreateUserDialog)

public:
    explicit CreateUserDialog(QWidget *parent = nullptr);

    QJsonObject body() const;

protected:
    QString problem() const override;

private:
    QLineEdit *m_username;
    RoleCombo *m_role;
    NewPasswordFields *m_password;
    QCheckBox *m_mustChange;
};

} // namespace tf::console
