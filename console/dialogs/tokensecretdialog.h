#pragma once

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace tf::console {

// The secret of a token just made, shown this once: a warning, the secret (selectable,
// read-only) and a Copy button. The gateway keeps only its hash; closing the dialog forgets it.
class TokenSecretDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenSecretDialog)

public:
    TokenSecretDialog(const QString &name, const QString &secret, QWidget *parent = nullptr);

    QPushButton *copyButton() const { return m_copy; }

public slots:
    void copy();

protected:
    void done(int result) override;

private:
    QLineEdit *m_secret;
    QPushButton *m_copy;
};

} // namespace tf::console
