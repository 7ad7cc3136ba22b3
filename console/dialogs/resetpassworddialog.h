#pragma once

#include "formdialog.h"

#include <QJsonObject>

class QCheckBox;

namespace tf::console {

class NewPasswordFields;

// An admin's reset of another user's password (POST /api/users/{id}/password): the new
// password typed twice and whether it must be changed at the next sign-in (on by default).
// The user's sessions end.
class ResetPasswordDialog final : public FormDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResetPasswordDialog)

public:
    explicit ResetPasswordDialog(const QString &username, QWidget *parent = nullptr);

    QJsonObject body() const;

protected:
    QString problem() const override;

private:
    NewPasswordFields *m_password;
    QCheckBox *m_mustChange;
};

} // namespace tf::console
