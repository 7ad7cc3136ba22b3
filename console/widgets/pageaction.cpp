#include "pageaction.h"

#include <QAction>
#include <QWidget>

namespace tf::console {

QAction *addPageAction(QWidget *page, const QString &text, const QString &objectName, const QKeySequence &shortcut)
{
    auto *action = new QAction(text, page);
    action->setObjectName(objectName);
    action->setShortcut(shortcut);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    page->addAction(action);
    return action;
}

} // namespace tf::console
