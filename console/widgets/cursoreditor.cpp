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
const QString KindKey = QStringLiteral("kind");
const QString ChangeTracking = QStringLiteral("change_tracking");
} // namespace

CursorEditor::CursorEditor(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("cursorEditor"));
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("cursorKindCombo"));
    m_kind->setAccessibleName(tr("Cursor kind"));
    m_kind->addItem(tr("column"), QStringLiteral("column"));
    m_kind->setItemData(0, tr("The rows past the last value of a source column (updated_at, a rowversion)"), Qt::ToolTipRole);
    m_kind->setToolTip(tr("change_tracking (SQL Server Change Tracking) is offered when the source system is SQL Server"));
    connect(m_kind, &QComboBox::currentIndexChanged, this, &CursorEditor::updateEnabled);
    m_column = new QComboBox(this);
    m_column->setEditable(true);
    m_column->setObjectName(QStringLiteral("cursorColumnCombo"));
    m_column->setAccessibleName(tr("Cursor column"));
    m_column->lineEdit()->setPlaceholderText(tr("source column, e.g. updated_at"));
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
    layout->addWidget(m_kind);
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
    m_cursorMode = cursorMode;
    updateEnabled();
}

bool CursorEditor::changeTracking() const
{
    return m_kind->currentData().toString() == ChangeTracking;
}

void CursorEditor::updateEnabled()
{
    const bool column = m_cursorMode && !changeTracking();
    m_kind->setEnabled(m_cursorMode);
    m_column->setEnabled(column);
    m_reconcileEvery->setEnabled(column);
    m_column->setToolTip(!m_cursorMode   ? tr("Only used in cursor mode")
                             : !column ? tr("Change Tracking needs no cursor column: SQL Server names the changed keys")
                                       : tr("A cursor run reads the source rows past the last value of this column"));
}

void CursorEditor::setSourceKind(const QString &systemKind)
{
    const int index = m_kind->findData(ChangeTracking);
    const QSignalBlocker blocker(m_kind);
    if (systemKind == QLatin1String("sqlserver")) {
        if (index < 0) {
            m_kind->addItem(tr("change_tracking"), ChangeTracking);
            m_kind->setItemData(m_kind->count() - 1,
                                tr("SQL Server Change Tracking: each run reads CHANGETABLE(CHANGES …) since the version the last "
                                   "run stored: inserts, updates and deletes, with no cursor column and no reconciliation runs. "
                                   "Change Tracking must be on for the database and the table (docs/connectors/sqlserver.md)."),
                                Qt::ToolTipRole);
        }
        if (m_original.value(KindKey).toString() == ChangeTracking)
            m_kind->setCurrentIndex(m_kind->findData(ChangeTracking));
        m_kind->setToolTip(tr("column: a source column; change_tracking: SQL Server Change Tracking (no column)"));
    } else if (index >= 0) {
        m_kind->removeItem(index); // the column kind is current from here
        m_kind->setToolTip(tr("change_tracking (SQL Server Change Tracking) is offered when the source system is SQL Server"));
    }
    updateEnabled();
}

void CursorEditor::setCursor(const QJsonObject &cursor)
{
    m_original = cursor;
    {
        const QSignalBlocker blocker(m_kind);
        const int tracking = m_kind->findData(ChangeTracking);
        m_kind->setCurrentIndex(cursor.value(KindKey).toString() == ChangeTracking && tracking >= 0 ? tracking : 0);
    }
    updateEnabled();
    m_column->setCurrentText(cursor.value(ColumnKey).toString());
    m_reconcileEvery->setValue(int(cursor.value(ReconcileKey).toInteger(DefaultReconcileEvery)));
}

QJsonObject CursorEditor::cursor() const
{
    if (changeTracking()) // the source's change log is the cursor: no column, no reconciliation
        return { { KindKey, ChangeTracking } };
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
