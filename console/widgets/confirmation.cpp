#include "confirmation.h"

#include <QMessageBox>
#include <QPushButton>

namespace tf::console {

void confirm(QWidget *parent, const QString &title, const QString &text, const QString &confirmText,
             std::function<void()> onConfirmed)
{
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Cancel, parent);
    box->setObjectName(QStringLiteral("confirmation"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton *yes = box->addButton(confirmText, QMessageBox::DestructiveRole);
    yes->setObjectName(QStringLiteral("confirmButton"));
    box->setDefaultButton(QMessageBox::Cancel);
    QObject::connect(box, &QMessageBox::finished, box,
                     [box, yes, onConfirmed = std::move(onConfirmed)] {
                         if (box->clickedButton() == yes)
                             onConfirmed();
                     });
    box->open();
}

} // namespace tf::console
