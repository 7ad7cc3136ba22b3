#pragma once

#include <QHash>
#include <QSet>
#include <QWidget>

class QComboBox;
class QLineEdit;
class QUrlQuery;

namespace tf::console {

class ResourceTableModel;

// The quarantine's filters: pair, entity, rule and age narrow the list on the server; field
// and text narrow it on the page. The choices are the values seen in any answer, so they stay
// while a filter narrows the list.
class QuarantineFilterBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QuarantineFilterBar)

public:
    explicit QuarantineFilterBar(QWidget *parent = nullptr);

    // The server-side filters of GET /api/quarantine.
    void addServerFilters(QUrlQuery &query) const;
    bool narrowsOnServer() const;
    QString field() const;
    QLineEdit *textEdit() const { return m_text; }
    // Adds the values of the model's rows (and every pair named) to the choices.
    void rebuildChoices(const ResourceTableModel &model, const QHash<qint64, QString> &pairNames);

signals:
    void serverFiltersChanged();
    void fieldChanged();

private:
    QComboBox *m_pairFilter;
    QComboBox *m_entityFilter;
    QComboBox *m_ruleFilter;
    QComboBox *m_fieldFilter;
    QComboBox *m_ageFilter;
    QLineEdit *m_text;
    QHash<QComboBox *, QSet<QString>> m_seen;
};

} // namespace tf::console
