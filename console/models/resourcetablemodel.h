#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <functional>

namespace tf::console {

// A table of JSON resources keyed by their integer "id" (a page of a list answer, or the
// objects of the change feed). Subclasses only declare their columns.
//
// A refresh never resets the model: applyItems() diffs the new list against the rows by id,
// removes the rows whose id vanished, updates the rows whose values changed (dataChanged for
// the changed columns only) and appends the new ids at the end, in the order the list gives
// them. Existing rows keep their place, so a view's scroll position, selection and sort (a
// QSortFilterProxyModel on top does the sorting) survive every refresh.
class ResourceTableModel : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResourceTableModel)

public:
    enum Role {
        SortRole = Qt::UserRole + 1, // the column's value to sort by (numbers, times, ranks)
        IdRole, // the row's id, on every column
        ProgressRole, // a 0..1 fraction, on a progress column
        UserRoleBase = Qt::UserRole + 32 // subclasses number their roles from here
    };

    using Getter = std::function<QVariant(const QJsonObject &)>;
    using TimeFormatter = std::function<QString(const QDateTime &)>;

    struct ColumnSpec
    {
        QString header; // translated by the subclass
        Getter display; // Qt::DisplayRole
        Getter sortValue; // SortRole; the display value when empty
        Getter toolTip; // Qt::ToolTipRole; none when empty
        Qt::Alignment alignment = Qt::AlignLeft | Qt::AlignVCenter;
        QHash<int, Getter> roles; // any other role (ProgressRole, ForegroundRole, ...)
        bool showsTime = false; // repainted when the time formatter changes
    };

    explicit ResourceTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The whole refreshed list. Items without an integer "id" are skipped; for a repeated
    // id the last object wins, at the place of the first.
    void applyItems(const QJsonArray &items);
    // One change from the change feed (the whole resource, fetched after a created or updated
    // change): updates the row with the item's id, or appends it. A deleted change is
    // removeId(); a reload is a fresh list for applyItems().
    void upsert(const QJsonObject &item);
    void removeId(qint64 id);
    // For resources named rather than numbered (backups, services, plans): each value of
    // keyField gets a stable row id the first time it is seen, then applyItems(). rowOfKey()
    // finds it again; -1 when absent.
    void applyItemsKeyedBy(const QJsonArray &items, const QString &keyField);
    int rowOfKey(const QString &key) const;

    qint64 idAt(int row) const; // -1 outside the rows
    QJsonObject itemAt(int row) const; // empty outside the rows
    int rowOf(qint64 id) const; // -1 when absent

    // How many times the model was reset (a refresh must leave it at 0).
    int resetCount() const { return m_resetCount; }

    // How times are shown (UTC or local is chosen by the settings). Default: ISO 8601 UTC.
    void setTimeFormatter(TimeFormatter formatter);
    QString formatTime(const QDateTime &time) const;

    // An RFC 3339 time from the API; invalid for a missing, null or malformed value.
    static QDateTime parseTime(const QJsonValue &value);
    static qint64 readId(const QJsonValue &value); // -1 when not an integer

protected:
    void setColumns(QList<ColumnSpec> columns);

    // Column helpers for subclasses.
    static ColumnSpec fieldColumn(const QString &header, const QString &field);
    static ColumnSpec numberColumn(const QString &header, const QString &field);
    ColumnSpec timeColumn(const QString &header, const QString &field) const;

private:
    QVariant valueFor(const ColumnSpec &column, const QJsonObject &item, int role) const;
    void replaceRow(int row, const QJsonObject &item);
    void appendRows(const QList<QJsonObject> &items);
    void removeRows(QList<int> rows); // rows in any order
    void reindexFrom(int row);

    QList<ColumnSpec> m_columns;
    QList<QJsonObject> m_items;
    QList<qint64> m_ids;
    QHash<qint64, int> m_rowById;
    QHash<QString, qint64> m_idByKey;
    TimeFormatter m_timeFormatter;
    int m_resetCount = 0;
};

} // namespace tf::console
