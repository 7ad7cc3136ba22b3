#pragma once

#include <QObject>
#include <QString>

class QTableView;

namespace tf::console {

// Remembers a table's column widths, order and sort in QSettings ("tables/<key>/header"):
// restored when attached (or as soon as the view's model has columns) and saved on every
// resize, move or sort change. Owned by the view.
class TableStateSaver final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TableStateSaver)

public:
    static TableStateSaver *attach(QTableView *view, const QString &key);
    QString settingsKey() const { return m_settingsKey; }

private:
    TableStateSaver(QTableView *view, const QString &key);
    void restore();
    void save() const;

    QTableView *m_view;
    QString m_settingsKey;
    bool m_restored = false;
};

} // namespace tf::console
