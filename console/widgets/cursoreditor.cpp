#include "cursoreditor.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>

namespace tf::console {

namespace {
const QString ColumnKey = QStringLiteral("column");
const QString ReconcileKey = QStringLiteral("reconcile_every");
} // namespace

CursorEditor::CursorEditor(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("cursorEditor"));
    m_column = new QComboBox(this);
    m_column->setEditable(true);
    m_column->setObjectName(QStringLiteral("cursorColumnCombo"));
    m_column->setAccessibleName(tr("Cursor column"));
    m_column->lineEdit()->setPlaceholderText(tr("source column, e.g. updated_at"));
    m_column->setToolTip(
        tr("A cursor run reads the source rows past the last value of this column"));
    m_reconcileEvery = new QSpinBox(this);
    m_reconcileEvery->setObjectName(QStringLiteral("reconcileEverySpin"));
    m_reconcileEvery->setAccessibleName(tr("Reconcile keys every N runs"));
    m_reconcileEvery->setRange(1, 10000);
    m_reconcileEvery->setValue(DefaultReconcileEvery);
    m_reconcileEvery->setToolTip(
        tr("Every Nth cursor run also reconciles keys, so deletes are found"));
    auto *reconcileLabel = new QLabel(tr("reconcile every"), this);
    reconcileLabel->setBuddy(m_reconcileEvery);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_column, 1);
    layout->addWidget(reconcileLabel);
    layout->addWidget(m_reconcileEvery);
    layout->addWidget(new QLabel(tr("runs"), this));
    setCursorMode(false);
}

void CursorEditor::setColumns(const QStringList &columns)
{
    const QString current = m_column->currentText();
    const QSignalBlocker blocker(m_column);
    m_column->clear();
    m_column->addItems(columns);
    m_column->setCurrentText(current);
}

void CursorEditor::setCursorMode(bool cursorMode)
{
    m_column->setEnabled(cursorMode);
    m_reconcileEvery->setEnabled(cursorMode);
    const QString why = cursorMode ? QString() : tr("Only used in cursor mode");
    m_column->setToolTip(
        why.isEmpty() ? tr("A cursor run reads the source rows past the last value of this column")
                      : why);
}

void CursorEditor::setCursor(const QJsonObject &cursor)
{
    m_original = cursor;
    m_column->setCurrentText(cursor.value(ColumnKey).toString());
    m_reconcileEvery->setValue(int(cursor.value(ReconcileKey).toInteger(DefaultReconcileEvery)));
}

QJsonObject CursorEditor::cursor() const
{
    const QString column = m_column->currentText().trimmed();
    if (!m_original.isEmpty() && column == m_original.value(ColumnKey).toString()
        && m_reconcileEvery->value()
            == m_original.value(ReconcileKey).toInteger(DefaultReconcileEvery))
        return m_original;
    if (column.isEmpty())
        return {};
    QJsonObject cursor { { ColumnKey, column } };
    if (m_reconcileEvery->value() != DefaultReconcileEvery || m_original.contains(ReconcileKey))
        cursor.insert(ReconcileKey, m_reconcileEvery->value());
    return cursor;
}

} // namespace tf::console
