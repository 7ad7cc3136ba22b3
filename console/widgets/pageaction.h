#pragma once

#include <QKeySequence>
#include <QString>

class QAction;
class QWidget;

namespace tf::console {

// A page's command: a QAction added to page, named, with its shortcut active while the focus
// is in the page (so two pages may share a key).
QAction *addPageAction(QWidget *page, const QString &text, const QString &objectName, const QKeySequence &shortcut);

} // namespace tf::console
