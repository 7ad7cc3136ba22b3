#pragma once

#include <QUrlQuery>
#include <QWidget>

#include <functional>

class QAction;
class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLineEdit;

namespace tf::console {

// The audit trail's filters, as the /api/audit parameters: a time range (created_after,
// created_before, UTC), user (username), action (event_type), result (severity), target type
// and id (resource_type, resource_id) and text in the description (text). Each filter is kept
// in QSettings under audit/filter/<parameter> and restored at start. Enter in any field or
// Apply (Ctrl+Return) emits filterChanged(); Clear empties them all.
class AuditFilterBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditFilterBar)

public:
    explicit AuditFilterBar(QWidget *parent = nullptr);

    QUrlQuery query() const; // only the set filters
    // Sets the fields from parameters (unknown ones are ignored) and applies them.
    void setQuery(const QUrlQuery &query);
    QAction *applyAction() const { return m_apply; }
    QAction *clearAction() const { return m_clear; }

signals:
    void filterChanged(const QUrlQuery &query);

private:
    void apply();
    void save() const;
    void restore();
    void fill(const std::function<QString(const QString &parameter)> &valueOf);
    QLineEdit *addText(const QString &parameter, const QString &label, const QString &placeholder);

    QCheckBox *m_fromSet;
    QDateTimeEdit *m_from;
    QCheckBox *m_toSet;
    QDateTimeEdit *m_to;
    QComboBox *m_severity;
    QList<QPair<QString, QLineEdit *>> m_texts; // parameter -> field
    QAction *m_apply;
    QAction *m_clear;
};

} // namespace tf::console
