#include "dependsoneditor.h"

#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

namespace tf::console {

DependsOnEditor::DependsOnEditor(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("dependsOnEditor"));
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("dependsOnList"));
    m_list->setAccessibleName(tr("Depends on"));
    m_list->setToolTip(tr("Entities of this pair written before this one"));
    m_list->setMaximumHeight(72);
    m_hint = new QLabel(this);
    m_hint->setObjectName(QStringLiteral("dependsOnHint"));
    m_hint->setWordWrap(true);
    m_hint->setText(tr("No other entity in this pair to depend on."));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_list);
    layout->addWidget(m_hint);
    updateHint();
}

void DependsOnEditor::addName(const QString &name, bool checked)
{
    auto *item = new QListWidgetItem(name, m_list);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
}

void DependsOnEditor::setChoices(const QStringList &names)
{
    const QStringList checked = dependsOn();
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    for (const QString &name : names)
        addName(name, checked.contains(name));
    for (const QString &name : checked) {
        if (!names.contains(name))
            addName(name, true);
    }
    updateHint();
}

void DependsOnEditor::setDependsOn(const QStringList &names)
{
    QStringList choices;
    for (int i = 0; i < m_list->count(); ++i)
        choices << m_list->item(i)->text();
    {
        const QSignalBlocker blocker(m_list);
        m_list->clear();
        for (const QString &name : choices)
            addName(name, names.contains(name));
        for (const QString &name : names) {
            if (!choices.contains(name))
                addName(name, true);
        }
    }
    updateHint();
    m_order = names;
}

QStringList DependsOnEditor::dependsOn() const
{
    QStringList checked;
    for (const QString &name : m_order) {
        const auto found = m_list->findItems(name, Qt::MatchExactly);
        if (!found.isEmpty() && found.first()->checkState() == Qt::Checked)
            checked << name;
    }
    for (int i = 0; i < m_list->count(); ++i) {
        const QListWidgetItem *item = m_list->item(i);
        if (item->checkState() == Qt::Checked && !checked.contains(item->text()))
            checked << item->text();
    }
    return checked;
}

void DependsOnEditor::updateHint()
{
    m_list->setVisible(m_list->count() > 0);
    m_hint->setVisible(m_list->count() == 0);
}

} // namespace tf::console
