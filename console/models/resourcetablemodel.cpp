#include "resourcetablemodel.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <algorithm>
#include <cmath>

namespace tf::console {

Q_LOGGING_CATEGORY(lcResourceModel, "console.models")

namespace {

// A JSON scalar as a cell: numbers stay numbers (integers as qint64), null and missing are
// empty, objects and arrays are not shown in a cell.
QVariant scalarCell(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool() ? QCoreApplication::translate("ResourceTableModel", "yes")
                              : QCoreApplication::translate("ResourceTableModel", "no");
    case QJsonValue::Double: {
        const double number = value.toDouble();
        if (std::trunc(number) == number && std::abs(number) < 9.0e15)
            return qint64(number);
        return number;
    }
    case QJsonValue::String:
        return value.toString();
    default:
        break;
    }
    return {};
}

} // namespace

ResourceTableModel::ResourceTableModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_timeFormatter([](const QDateTime &time) { return time.toUTC().toString(Qt::ISODate); })
{
    connect(this, &QAbstractItemModel::modelAboutToBeReset, this, [this] { ++m_resetCount; });
}

int ResourceTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

int ResourceTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant ResourceTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role == IdRole)
        return m_ids.at(index.row());
    return valueFor(m_columns.at(index.column()), m_items.at(index.row()), role);
}

QVariant ResourceTableModel::valueFor(const ColumnSpec &column, const QJsonObject &item,
                                      int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        return column.display ? column.display(item) : QVariant();
    case SortRole:
        if (column.sortValue)
            return column.sortValue(item);
        return column.display ? column.display(item) : QVariant();
    case Qt::ToolTipRole:
        return column.toolTip ? column.toolTip(item) : QVariant();
    case Qt::TextAlignmentRole:
        return int(column.alignment);
    default:
        break;
    }
    const auto custom = column.roles.constFind(role);
    return custom != column.roles.constEnd() && *custom ? (*custom)(item) : QVariant();
}

QVariant ResourceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && section >= 0 && section < m_columns.size()) {
        if (role == Qt::DisplayRole)
            return m_columns.at(section).header;
        if (role == Qt::TextAlignmentRole)
            return int(m_columns.at(section).alignment);
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

QHash<int, QByteArray> ResourceTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SortRole, "sortValue");
    names.insert(IdRole, "id");
    names.insert(ProgressRole, "progress");
    return names;
}

void ResourceTableModel::setColumns(QList<ColumnSpec> columns)
{
    Q_ASSERT(m_items.isEmpty()); // columns are declared once, in the constructor
    m_columns = std::move(columns);
}

void ResourceTableModel::applyItems(const QJsonArray &items)
{
    QList<qint64> order;
    QHash<qint64, QJsonObject> incoming;
    order.reserve(items.size());
    incoming.reserve(items.size());
    for (const QJsonValue &value : items) {
        const QJsonObject item = value.toObject();
        const qint64 id = readId(item.value(QLatin1String("id")));
        if (id < 0) {
            qCWarning(lcResourceModel) << "skipping an item without an integer id";
            continue;
        }
        if (!incoming.contains(id))
            order.append(id);
        incoming.insert(id, item);
    }

    QList<int> vanished;
    for (int row = 0; row < m_ids.size(); ++row) {
        if (!incoming.contains(m_ids.at(row)))
            vanished.append(row);
    }
    removeRows(vanished);

    for (int row = 0; row < m_ids.size(); ++row) {
        const QJsonObject &item = incoming[m_ids.at(row)];
        if (item != m_items.at(row))
            replaceRow(row, item);
    }

    QList<QJsonObject> added;
    for (const qint64 id : std::as_const(order)) {
        if (!m_rowById.contains(id))
            added.append(incoming.value(id));
    }
    appendRows(added);
}

void ResourceTableModel::upsert(const QJsonObject &item)
{
    const qint64 id = readId(item.value(QLatin1String("id")));
    if (id < 0) {
        qCWarning(lcResourceModel) << "ignoring a change without an integer id";
        return;
    }
    const int row = rowOf(id);
    if (row < 0)
        appendRows({ item });
    else if (item != m_items.at(row))
        replaceRow(row, item);
}

void ResourceTableModel::removeId(qint64 id)
{
    const int row = rowOf(id);
    if (row >= 0)
        removeRows({ row });
}

qint64 ResourceTableModel::idAt(int row) const
{
    return row >= 0 && row < m_ids.size() ? m_ids.at(row) : -1;
}

QJsonObject ResourceTableModel::itemAt(int row) const
{
    return row >= 0 && row < m_items.size() ? m_items.at(row) : QJsonObject();
}

int ResourceTableModel::rowOf(qint64 id) const
{
    return m_rowById.value(id, -1);
}

void ResourceTableModel::setTimeFormatter(TimeFormatter formatter)
{
    m_timeFormatter = std::move(formatter);
    if (m_items.isEmpty())
        return;
    for (int c = 0; c < m_columns.size(); ++c) {
        if (m_columns.at(c).showsTime)
            emit dataChanged(index(0, c), index(rowCount() - 1, c), { Qt::DisplayRole });
    }
}

QString ResourceTableModel::formatTime(const QDateTime &time) const
{
    if (!time.isValid())
        return {};
    return m_timeFormatter ? m_timeFormatter(time) : time.toUTC().toString(Qt::ISODate);
}

QDateTime ResourceTableModel::parseTime(const QJsonValue &value)
{
    if (!value.isString())
        return {};
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

qint64 ResourceTableModel::readId(const QJsonValue &value)
{
    const qint64 id = value.toInteger(-1);
    return id < 0 ? -1 : id;
}

ResourceTableModel::ColumnSpec ResourceTableModel::fieldColumn(const QString &header,
                                                               const QString &field)
{
    ColumnSpec column;
    column.header = header;
    column.display = [field](const QJsonObject &item) { return scalarCell(item.value(field)); };
    return column;
}

ResourceTableModel::ColumnSpec ResourceTableModel::numberColumn(const QString &header,
                                                                const QString &field)
{
    ColumnSpec column = fieldColumn(header, field);
    column.alignment = Qt::AlignRight | Qt::AlignVCenter;
    return column;
}

ResourceTableModel::ColumnSpec ResourceTableModel::timeColumn(const QString &header,
                                                              const QString &field) const
{
    ColumnSpec column;
    column.header = header;
    column.display = [this, field](const QJsonObject &item) -> QVariant {
        const QDateTime time = parseTime(item.value(field));
        return time.isValid() ? QVariant(formatTime(time)) : QVariant();
    };
    column.showsTime = true;
    column.sortValue = [field](const QJsonObject &item) -> QVariant {
        const QDateTime time = parseTime(item.value(field));
        return time.isValid() ? QVariant(time) : QVariant();
    };
    column.toolTip = [field](const QJsonObject &item) -> QVariant {
        const QDateTime time = parseTime(item.value(field));
        return time.isValid() ? QVariant(time.toUTC().toString(Qt::ISODateWithMs)) : QVariant();
    };
    return column;
}

void ResourceTableModel::replaceRow(int row, const QJsonObject &item)
{
    // Only the columns whose shown values differ are announced, so a view repaints little.
    static const int plainRoles[] = { Qt::DisplayRole, SortRole, Qt::ToolTipRole };
    const QJsonObject &before = m_items.at(row);
    int first = -1;
    int last = -1;
    for (int c = 0; c < m_columns.size(); ++c) {
        const ColumnSpec &column = m_columns.at(c);
        bool changed = false;
        for (const int role : plainRoles)
            changed = changed || valueFor(column, before, role) != valueFor(column, item, role);
        for (auto it = column.roles.constBegin(); !changed && it != column.roles.constEnd(); ++it)
            changed = it.value() && it.value()(before) != it.value()(item);
        if (changed) {
            if (first < 0)
                first = c;
            last = c;
        }
    }
    m_items[row] = item;
    if (first >= 0)
        emit dataChanged(index(row, first), index(row, last));
}

void ResourceTableModel::appendRows(const QList<QJsonObject> &items)
{
    if (items.isEmpty())
        return;
    const int first = int(m_items.size());
    beginInsertRows({}, first, first + int(items.size()) - 1);
    for (const QJsonObject &item : items) {
        const qint64 id = readId(item.value(QLatin1String("id")));
        m_rowById.insert(id, int(m_items.size()));
        m_ids.append(id);
        m_items.append(item);
    }
    endInsertRows();
}

void ResourceTableModel::removeRows(QList<int> rows)
{
    if (rows.isEmpty())
        return;
    std::sort(rows.begin(), rows.end());
    // From the bottom up, one signal per contiguous range, so the rows above stay put.
    int end = int(rows.size());
    while (end > 0) {
        int start = end - 1;
        while (start > 0 && rows.at(start - 1) == rows.at(start) - 1)
            --start;
        const int firstRow = rows.at(start);
        const int lastRow = rows.at(end - 1);
        beginRemoveRows({}, firstRow, lastRow);
        for (int row = firstRow; row <= lastRow; ++row)
            m_rowById.remove(m_ids.at(row));
        m_items.remove(firstRow, lastRow - firstRow + 1);
        m_ids.remove(firstRow, lastRow - firstRow + 1);
        reindexFrom(firstRow);
        endRemoveRows();
        end = start;
    }
}

void ResourceTableModel::reindexFrom(int row)
{
    for (int r = row; r < m_ids.size(); ++r)
        m_rowById[m_ids.at(r)] = r;
}

void ResourceTableModel::applyItemsKeyedBy(const QJsonArray &items, const QString &keyField)
{
    QJsonArray keyed;
    for (const QJsonValue &value : items) {
        QJsonObject item = value.toObject();
        const QString key = item.value(keyField).toString();
        if (key.isEmpty())
            continue;
        auto it = m_idByKey.constFind(key);
        if (it == m_idByKey.constEnd())
            it = m_idByKey.insert(key, m_idByKey.size() + 1);
        item.insert(QStringLiteral("id"), it.value());
        keyed.append(item);
    }
    applyItems(keyed);
}

int ResourceTableModel::rowOfKey(const QString &key) const
{
    const auto it = m_idByKey.constFind(key);
    return it == m_idByKey.constEnd() ? -1 : rowOf(it.value());
}

} // namespace tf::console
