#include "navigationlist.h"

#include <QKeyEvent>

namespace tf::console {

NavigationList::NavigationList(QWidget *parent)
    : QListWidget(parent)
{
    setObjectName(QStringLiteral("navigation"));
    setAccessibleName(tr("Pages"));
    setIconSize(QSize(20, 20));
    setFixedWidth(180);
    setFrameShape(QFrame::NoFrame);
    connect(this, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (item && !isHeader(item))
            emit currentPageChanged(item->data(Qt::UserRole).toString());
    });
}

bool NavigationList::isHeader(const QListWidgetItem *item)
{
    return !(item->flags() & Qt::ItemIsSelectable);
}

void NavigationList::addHeader(const QString &title)
{
    auto *item = new QListWidgetItem(title, this);
    item->setFlags(Qt::NoItemFlags);
    QFont font = this->font();
    font.setBold(true);
    font.setCapitalization(QFont::SmallCaps);
    item->setFont(font);
    // A header after pages keeps some room above it, so the sections stand apart.
    item->setSizeHint(QSize(0, count() == 1 ? 26 : 38));
    item->setTextAlignment(Qt::AlignLeft | Qt::AlignBottom);
    colorHeaders();
}

QListWidgetItem *NavigationList::addPage(const QString &id, const QString &title, const QIcon &icon)
{
    auto *item = new QListWidgetItem(icon, title, this);
    item->setData(Qt::UserRole, id);
    item->setSizeHint(QSize(0, 32));
    if (!currentItem())
        setCurrentItem(item);
    return item;
}

QListWidgetItem *NavigationList::pageItem(const QString &id) const
{
    for (int row = 0; row < count(); ++row) {
        QListWidgetItem *entry = item(row);
        if (!isHeader(entry) && entry->data(Qt::UserRole).toString() == id)
            return entry;
    }
    return nullptr;
}

void NavigationList::keyPressEvent(QKeyEvent *event)
{
    const QListWidgetItem *before = currentItem();
    QListWidget::keyPressEvent(event);
    const int key = event->key();
    if (currentItem() != before
        || (key != Qt::Key_Home && key != Qt::Key_End && key != Qt::Key_PageUp && key != Qt::Key_PageDown))
        return;
    // The key aimed at a header, which cannot become current.
    const bool up = key == Qt::Key_Home || key == Qt::Key_PageUp;
    for (int i = 0; i < count(); ++i) {
        QListWidgetItem *entry = item(up ? i : count() - 1 - i);
        if (!isHeader(entry)) {
            setCurrentItem(entry);
            return;
        }
    }
}

void NavigationList::changeEvent(QEvent *event)
{
    QListWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        colorHeaders();
}

// The palette's quiet text, readable in both themes (the disabled grey is too faint on white).
void NavigationList::colorHeaders()
{
    const QColor color = palette().color(QPalette::Active, QPalette::PlaceholderText);
    for (int row = 0; row < count(); ++row) {
        if (isHeader(item(row)))
            item(row)->setForeground(color);
    }
}

} // namespace tf::console
