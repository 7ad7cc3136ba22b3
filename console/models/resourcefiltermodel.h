#pragma once

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QString>
#include <QStringList>

namespace tf::console {

class ResourceTableModel;

// The filters of a resource page over a ResourceTableModel: field values (status, pair,
// entity, rule, ...), a time range on a field (age), and free text over the shown cells.
// It sorts by ResourceTableModel::SortRole and re-filters as rows change, so a refresh keeps
// the page's filter, sort and selection. Fields are JSON names; a dotted name reads into an
// object ("last_operation.status", "definition.mode").
class ResourceFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResourceFilterModel)

public:
    explicit ResourceFilterModel(QObject *parent = nullptr);

    // Only rows whose field is one of the values (integers given as text: "3"). An empty
    // list removes the filter on that field.
    void setFieldFilter(const QString &field, const QStringList &values);
    // Only rows whose time field lies in [from, to); an invalid bound is open. Both invalid
    // removes the filter. A row without the time is filtered out while the filter is on.
    void setTimeRange(const QString &field, const QDateTime &from, const QDateTime &to);
    // Only rows where some shown cell contains the text, case-insensitively.
    void setText(const QString &text);
    void clearFilters();

    bool hasFilters() const;
    QString text() const { return m_text; }

    // A JSON value at a dotted path as text ("" when missing or not a scalar).
    static QString fieldText(const QJsonObject &item, const QString &field);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    struct TimeRange
    {
        QDateTime from;
        QDateTime to;
    };

    const ResourceTableModel *resources() const;

    QHash<QString, QSet<QString>> m_fieldFilters;
    QHash<QString, TimeRange> m_timeRanges;
    QString m_text;
};

} // namespace tf::console
