#pragma once

#include <QString>
#include <functional>

class QWidget;

namespace tf::console {

// Asks before a destructive step: a window-modal question (objectName "confirmation") whose
// confirm button carries confirmText; onConfirmed runs only when the user clicks it. Returns
// at once: the GUI never waits in a nested event loop.
void confirm(QWidget *parent, const QString &title, const QString &text, const QString &confirmText,
             std::function<void()> onConfirmed);

} // namespace tf::console
