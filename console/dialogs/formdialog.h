#pragma once

#include <QDialog>

class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QPushButton;

namespace tf::console {

// The frame of the console's small form dialogs: an intro line, a form, a message line (red
// for a problem), and OK/Cancel. OK is enabled while problem() is empty; clicking it emits
// submitted() and leaves the dialog open: its owner sends the request and then calls accept()
// or showError() with the gateway's answer, so the user can correct the form.
class FormDialog : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FormDialog)

public:
    void showError(const QString &message);
    void setBusy(bool busy);
    QPushButton *okButton() const;

signals:
    void submitted();

protected:
    FormDialog(const QString &title, const QString &intro, const QString &okText, QWidget *parent);

    QFormLayout *form() const { return m_form; }
    // Why OK cannot be clicked yet, or empty.
    virtual QString problem() const = 0;
    // Call when a field changed (and once the form is built).
    void validate();

private:
    QFormLayout *m_form;
    QLabel *m_message;
    QDialogButtonBox *m_buttons;
    bool m_busy = false;
};

} // namespace tf::console
