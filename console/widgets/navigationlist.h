#pragma once

#include <QListWidget>

namespace tf::console {

// The console's sidebar: the pages (an icon and a title, with a badge after it) under section
// headers. A header is no page: it is neither enabled nor selectable, so clicks and the arrow
// keys pass over it (Home, End, Page Up and Page Down too: they go to the first or the last
// page instead of stopping on one), and it has no page id. Page ids (Qt::UserRole) are on the
// page entries only, so a page is found by its id, never by its row.
class NavigationList final : public QListWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NavigationList)

public:
    explicit NavigationList(QWidget *parent = nullptr);

    void addHeader(const QString &title);
    QListWidgetItem *addPage(const QString &id, const QString &title, const QIcon &icon);
    QListWidgetItem *pageItem(const QString &id) const;
    static bool isHeader(const QListWidgetItem *item);

signals:
    void currentPageChanged(const QString &id);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void colorHeaders();
};

} // namespace tf::console
