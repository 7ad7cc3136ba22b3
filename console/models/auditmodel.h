#pragma once

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>
#include <QUrlQuery>

#include <functional>

namespace tf::console {

class GatewayClient;

// The audit trail (GET /api/audit), newest first, for trails of millions of entries. Rows
// arrive a page at a time by keyset (canFetchMore/fetchMore follow next_cursor); only a window
// of pages around the rows the view last asked for stays in memory, the rest are evicted and
// shown as placeholders until they are asked for again (each page keeps the cursor that reads
// it, so a page comes back in one request; the page whose rows were asked for longest ago goes
// first, so the pages on screen, which the view asks for at every paint, stay). Every request carries the generation it was made
// in; a new filter starts a new generation and answers of an older one are dropped
// (sqlitebrowser's row cache). The true total of the filter comes from /api/audit/summary.
class AuditModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditModel)

public:
    enum Column { IdColumn, TimeColumn, UserColumn, ActionColumn, SeverityColumn, TargetColumn, DescriptionColumn, ColumnCount };
    enum Role { EntryRole = Qt::UserRole + 1, EntryIdRole, LoadedRole };
    static constexpr int DefaultPageSize = 200;
    static constexpr int DefaultWindowPages = 8;

    explicit AuditModel(GatewayClient *client, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    void setPageSize(int rows) { m_pageSize = qBound(1, rows, 500); }
    int pageSize() const { return m_pageSize; }
    void setWindowPages(int pages) { m_windowPages = qMax(2, pages); }
    int windowPages() const { return m_windowPages; }
    using TimeFormatter = std::function<QString(const QDateTime &)>;
    void setTimeFormatter(TimeFormatter formatter);

    // A new filter (the /api/audit parameters) is a new list: the rows start over.
    void setFilter(const QUrlQuery &filter);
    QUrlQuery filter() const { return m_filter; }
    // Entries written since the newest one shown are put on top (no reset), the total re-read.
    void refresh();

    QJsonObject summary() const { return m_summary; }
    qint64 total() const; // -1 until the summary has arrived
    bool atEnd() const { return m_nextCursor.isEmpty() && !m_fetching; }
    bool isLoaded(int row) const;
    QJsonObject entryAt(int row) const; // empty while the row is a placeholder
    int loadedPages() const;
    int loadedRows() const;
    quint64 generation() const { return m_generation; }
    // The row of this entry among the rows fetched so far (loaded or evicted), or -1.
    int rowOfId(qint64 id) const;
    // Fetches pages until the entry's row is known (or the list ends); found gets the row or -1.
    void locate(qint64 id, std::function<void(int row)> found);
    // Rows of this entry are painted as marked (the first broken entry of the chain); 0: none.
    void setMarkedId(qint64 id);
    qint64 markedId() const { return m_markedId; }
    // Fetches pages until the last one; endReached() follows.
    void fetchToEnd();

signals:
    void summaryChanged();
    void pageLoaded(int page);
    void endReached();
    void loadFailed(const QString &message);

private:
    struct Page
    {
        QString cursor; // reads this page; empty for the first
        QList<QJsonObject> rows;
        int count = 0;
        qint64 firstId = 0; // newest entry of the page
        qint64 lastId = 0;  // oldest
        bool loaded = false;
        bool loading = false;
        quint64 lastUse = 0; // when a row of it was last asked for (or it arrived)
    };
    int pageOfRow(int row) const;
    int firstRowOf(int page) const;
    void loadSummary();
    void requestPage(int page);
    void pageArrived(int page, const QList<QJsonObject> &rows);
    void appendPage(const QString &cursor, const QList<QJsonObject> &rows, const QString &next);
    void evictLeastUsed(int keep);
    void continueAfterFetch();
    QString text(const QJsonObject &entry, int column) const;
    QUrlQuery pageQuery(const QString &cursor) const;

    GatewayClient *m_client;
    QUrlQuery m_filter;
    QJsonObject m_summary;
    QList<QJsonObject> m_head; // entries written after the first page was read, newest first
    mutable QList<Page> m_pages;
    mutable quint64 m_useClock = 0;
    QString m_nextCursor;
    bool m_started = false;
    bool m_fetching = false;
    bool m_toEnd = false;
    qint64 m_seekId = 0;
    std::function<void(int)> m_found;
    quint64 m_generation = 0;
    qint64 m_markedId = 0;
    int m_pageSize = DefaultPageSize;
    int m_windowPages = DefaultWindowPages;
    TimeFormatter m_formatTime;
};

} // namespace tf::console
