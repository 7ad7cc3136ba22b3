#pragma once

#include <QStringList>
#include <QWidget>

class QLabel;
class QListWidget;

namespace tf::console {

// The entity's "depends_on" in the pair editor: the other entities of the same pair that are
// written before it (docs/sync-engine.md, Order), picked by name from a checkable list. A
// name the list does not offer (no longer an entity of the pair) stays, checked, so that the
// server can name it; with no other entity there is nothing to pick.
class DependsOnEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DependsOnEditor)

public:
    explicit DependsOnEditor(QWidget *parent = nullptr);

    // The entities that may be picked (the pair's others), keeping what is checked.
    void setChoices(const QStringList &names);
    QStringList dependsOn() const;
    void setDependsOn(const QStringList &names);

    QListWidget *list() const { return m_list; }

private:
    void addName(const QString &name, bool checked);
    void updateHint();

    QListWidget *m_list;
    QLabel *m_hint;
    QStringList m_order; // as loaded: a save keeps the order of the names
};

} // namespace tf::console
