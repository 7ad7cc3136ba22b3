#include "deletepolicyeditor.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>

namespace tf::console {

namespace {
const QString ActionKey = QStringLiteral("action");
const QString ColumnKey = QStringLiteral("column");
const QString Propagate = QStringLiteral("propagate");
const QString SoftDelete = QStringLiteral("soft_delete");
} // namespace

DeletePolicyEditor::DeletePolicyEditor(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("deletePolicyEditor"));
    m_action = new QComboBox(this);
    m_action->setObjectName(QStringLiteral("deleteActionCombo"));
    m_action->setAccessibleName(tr("Delete policy"));
    m_action->addItem(tr("propagate: delete the target row"), Propagate);
    m_action->addItem(tr("soft_delete: set a flag column"), SoftDelete);
    m_action->addItem(tr("ignore: keep the target row"), QStringLiteral("ignore"));
    m_column = new QLineEdit(this);
    m_column->setObjectName(QStringLiteral("softDeleteColumnEdit"));
    m_column->setAccessibleName(tr("Soft delete column"));
    m_column->setPlaceholderText(tr("flag column, e.g. is_deleted"));
    auto *columnLabel = new QLabel(tr("column:"), this);
    columnLabel->setBuddy(m_column);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_action, 1);
    layout->addWidget(columnLabel);
    layout->addWidget(m_column, 1);
    const auto follow = [this] {
        const bool soft = m_action->currentData().toString() == SoftDelete;
        m_column->setEnabled(soft);
        m_column->setToolTip(soft ? tr("Set to true on the target row when its source row is gone")
                                  : tr("Only used by soft_delete"));
    };
    connect(m_action, &QComboBox::currentIndexChanged, this, follow);
    follow();
}

void DeletePolicyEditor::setPolicy(const QJsonObject &policy)
{
    m_original = policy;
    m_action->setCurrentIndex(
        qMax(0, m_action->findData(policy.value(ActionKey).toString(Propagate))));
    m_column->setText(policy.value(ColumnKey).toString());
}

QJsonObject DeletePolicyEditor::policy() const
{
    const QString action = m_action->currentData().toString();
    const QString column = m_column->text().trimmed();
    if (!m_original.isEmpty() && action == m_original.value(ActionKey).toString(Propagate)
        && column == m_original.value(ColumnKey).toString())
        return m_original;
    if (action == Propagate && column.isEmpty())
        return {};
    QJsonObject policy { { ActionKey, action } };
    if (action == SoftDelete && !column.isEmpty())
        policy.insert(ColumnKey, column);
    return policy;
}

} // namespace tf::console
