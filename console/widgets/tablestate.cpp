#include "tablestate.h"

#include <QHeaderView>
#include <QSettings>
#include <QTableView>

namespace tf::console {

TableStateSaver *TableStateSaver::attach(QTableView *view, const QString &key)
{
    return new TableStateSaver(view, key);
}

TableStateSaver::TableStateSaver(QTableView *view, const QString &key)
    : QObject(view)
    , m_view(view)
    , m_settingsKey(QStringLiteral("tables/%1/header").arg(key))
{
    setObjectName(QStringLiteral("tableState"));
    QHeaderView *header = view->horizontalHeader();
    restore();
    connect(header, &QHeaderView::sectionCountChanged, this, [this](int, int count) {
        if (count > 0 && !m_restored)
            restore();
    });
    connect(header, &QHeaderView::sectionResized, this, &TableStateSaver::save);
    connect(header, &QHeaderView::sectionMoved, this, &TableStateSaver::save);
    connect(header, &QHeaderView::sortIndicatorChanged, this, &TableStateSaver::save);
}

void TableStateSaver::restore()
{
    QHeaderView *header = m_view->horizontalHeader();
    if (header->count() == 0)
        return;
    m_restored = true;
    const QByteArray state = QSettings().value(m_settingsKey).toByteArray();
    if (!state.isEmpty())
        header->restoreState(state);
}

void TableStateSaver::save() const
{
    // Until restored, the header holds the defaults: saving them would lose the user's state.
    if (m_restored)
        QSettings().setValue(m_settingsKey, m_view->horizontalHeader()->saveState());
}

} // namespace tf::console
