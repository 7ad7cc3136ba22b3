#pragma once

#include <QJsonObject>
#include <QWidget>

class QComboBox;
class QSpinBox;

namespace tf::console {

// The pair's "cursor" of the pair editor: the source column a cursor run reads past (offered
// from the source entity's columns, or typed) and how many runs go between key
// reconciliations. Enabled only while the mode is cursor; what it holds is kept (and saved)
// in the other modes, so switching the mode back and forth loses nothing.
class CursorEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CursorEditor)

public:
    static constexpr int DefaultReconcileEvery = 10; // syncpairdefinition.h

    explicit CursorEditor(QWidget *parent = nullptr);

    // {"column": ..., "reconcile_every": n}, or an empty object for no cursor (no column).
    // Unchanged since setCursor(), the object as it was given.
    QJsonObject cursor() const;
    void setCursor(const QJsonObject &cursor);
    void setColumns(const QStringList &columns);
    void setCursorMode(bool cursorMode);

    QComboBox *columnCombo() const { return m_column; }
    QSpinBox *reconcileSpin() const { return m_reconcileEvery; }

private:
    QComboBox *m_column;
    QSpinBox *m_reconcileEvery;
    QJsonObject m_original;
};

} // namespace tf::console
