#pragma once

#include <QJsonObject>
#include <QWidget>

class QComboBox;
class QSpinBox;

namespace tf::console {

// The pair's "cursor" of the pair editor: its kind, the source column a cursor run reads past
// (offered from the source entity's columns, or typed) and how many runs go between key
// reconciliations. The kind "change_tracking" (SQL Server Change Tracking: no column, no
// reconciliation) is offered only while the source system is a sqlserver one. Enabled only
// while the mode is cursor; what it holds is kept (and saved) in the other modes, so switching
// the mode back and forth loses nothing.
class CursorEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CursorEditor)

public:
    static constexpr int DefaultReconcileEvery = 10; // syncpairdefinition.h

    explicit CursorEditor(QWidget *parent = nullptr);

    // {"column": ..., "reconcile_every": n}, {"kind": "change_tracking"}, or an empty object for
    // no cursor (no column).
    // Unchanged since setCursor(), the object as it was given.
    QJsonObject cursor() const;
    void setCursor(const QJsonObject &cursor);
    void setColumns(const QStringList &columns);
    void setCursorMode(bool cursorMode);
    // The kind of the source system ("sqlserver" offers change_tracking).
    void setSourceKind(const QString &systemKind);

    QComboBox *kindCombo() const { return m_kind; }
    QComboBox *columnCombo() const { return m_column; }
    QSpinBox *reconcileSpin() const { return m_reconcileEvery; }

private:
    bool changeTracking() const;
    void updateEnabled();

    QComboBox *m_kind;
    QComboBox *m_column;
    QSpinBox *m_reconcileEvery;
    QJsonObject m_original;
    bool m_cursorMode = false;
};

} // namespace tf::console
