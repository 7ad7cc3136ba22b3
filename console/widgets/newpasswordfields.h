#pragma once

#include <QObject>

class QFormLayout;
class QLineEdit;

namespace tf::console {

// A new password typed twice (objectNames "newPassword", "confirmPassword"), added as two rows
// of a form. The gateway checks the rules (length); this only catches a typo.
class NewPasswordFields final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NewPasswordFields)

public:
    NewPasswordFields(QFormLayout *form, QWidget *parent, const QString &label);

    QString password() const;
    // Empty when both fields agree and are filled, else what is wrong.
    QString problem() const;

signals:
    void changed();

private:
    QLineEdit *m_password;
    QLineEdit *m_confirm;
};

} // namespace tf::console
