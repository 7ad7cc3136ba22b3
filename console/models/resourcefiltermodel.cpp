#include "resourcefiltermodel.h"

#include "resourcetablemodel.h"

#include <QJsonObject>
#include <QJsonValue>
#include <limits>

namespace tf::console {

namespace {

QJsonValue valueAt(const QJsonObject &item, const QString &field)
{
    const QStringList path = field.split(QLatin1Char('.'));
    QJsonValue value = item;
    for (const QString &key : path) {
        if (!value.isObject())
            return QJsonValue(QJsonValue::Undefined);
        value = value.toObject().value(key);
    }
    return value;
}

} // namespace

ResourceFilterModel::ResourceFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(ResourceTableModel::SortRole);
    setDynamicSortFilter(true);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
}

QString ResourceFilterModel::fieldText(const QJsonObject &item, const QString &field)
{
    const QJsonValue value = valueAt(item, field);
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Double: {
        const qint64 integer = value.toInteger(std::numeric_limits<qint64>::min());
        return integer != std::numeric_limits<qint64>::min() ? QString::number(integer)
                                                             : QString::number(value.toDouble());
    }
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    default:
        break;
    }
    return {};
}

void ResourceFilterModel::setFieldFilter(const QString &field, const QStringList &values)
{
    if (values.isEmpty())
        m_fieldFilters.remove(field);
    else
        m_fieldFilters.insert(field, QSet<QString>(values.cbegin(), values.cend()));
    invalidateFilter();
}

void ResourceFilterModel::setTimeRange(const QString &field, const QDateTime &from,
                                       const QDateTime &to)
{
    if (!from.isValid() && !to.isValid())
        m_timeRanges.remove(field);
    else
        m_timeRanges.insert(field, { from, to });
    invalidateFilter();
}

void ResourceFilterModel::setText(const QString &text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

void ResourceFilterModel::clearFilters()
{
    m_fieldFilters.clear();
    m_timeRanges.clear();
    m_text.clear();
    invalidateFilter();
}

bool ResourceFilterModel::hasFilters() const
{
    return !m_fieldFilters.isEmpty() || !m_timeRanges.isEmpty() || !m_text.isEmpty();
}

const ResourceTableModel *ResourceFilterModel::resources() const
{
    return qobject_cast<const ResourceTableModel *>(sourceModel());
}

bool ResourceFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid())
        return false;
    const ResourceTableModel *model = resources();
    if (model && (!m_fieldFilters.isEmpty() || !m_timeRanges.isEmpty())) {
        const QJsonObject item = model->itemAt(sourceRow);
        for (auto it = m_fieldFilters.cbegin(); it != m_fieldFilters.cend(); ++it) {
            if (!it.value().contains(fieldText(item, it.key())))
                return false;
        }
        for (auto it = m_timeRanges.cbegin(); it != m_timeRanges.cend(); ++it) {
            const QDateTime time = ResourceTableModel::parseTime(valueAt(item, it.key()));
            if (!time.isValid() || (it->from.isValid() && time < it->from)
                || (it->to.isValid() && time >= it->to))
                return false;
        }
    }
    if (m_text.isEmpty())
        return true;
    const QAbstractItemModel *source = sourceModel();
    for (int c = 0; c < source->columnCount(); ++c) {
        const QString cell = source->index(sourceRow, c).data(Qt::DisplayRole).toString();
        if (cell.contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace tf::console
