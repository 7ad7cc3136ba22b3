#pragma once

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>
#include <QUrlQuery>

#include <functional>

namespace tf::console {

class GatewayClient;
struct ApiResult;

// The audit trail (GET /api/audit), newest first, for trails of millions of entries. Rows
// arrive a page at a time by keyset (canFetchMore/fetchMore follow next_cursor); only a window
// of pages around the rows the view last asked for stays in memory, the rest are evicted and
// shown as placeholders until they are asked for again (each page keeps the cursor that reads
// it, so a page comes back in one request; the page whose rows were asked for longest ago goes
// first, so the pages on screen, which the view asks for at every paint, stay; the first page
// never goes: it has no cursor of its own, and read again it would show newer entries). Every request
// carries the generation it was made in; a new filter starts a new generation and answers of
// an older one are dropped (sqlitebrowser's row cache). The true total of the filter comes
// from /api/audit/summary, asked for after the first page (the rows never wait for it).
//
// The end of the list (fetchToEnd, Ctrl+End) is read from the other end of the keyset
// (order=oldest) at once, without waiting for the total: the rows between the pages read from
// the newest end and those read from the oldest end are placeholders (the gap: the ids between
// the ends until the total arrives, then the total less the rows read), the oldest pages are
// addressed from the bottom (row = rowCount - 1 - k for the k-th oldest), so entries put on
// top by refresh() shift neither them nor the ids they show. A gap row asked for reads the
// next page from the nearer end; when the two ends meet (an id seen from both sides, or a
// list that ends) the overlap is dropped and what is left of the gap removed, so a total that
// was off by the entries written meanwhile corrects itself. An end that uses the gap up with
// full pages reads once more by itself, so that the ends always meet.
class AuditModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditModel)

public:
    enum Column { IdColumn, TimeColumn, UserColumn, ActionColumn, SeverityColumn, TargetColumn, DescriptionColumn, ColumnCount };
    enum Role { EntryRole = Qt::UserRole + 1, EntryIdRole, LoadedRole };
    static constexpr int DefaultPageSize = 200;
    static constexpr int DefaultWindowPages = 8;
    // Counting a million entries takes the gateway seconds on a loaded host: the total gets
    // longer than the client's timeout for ordinary reads.
    static constexpr int SummaryTimeoutMs = 60000;

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
    // The list from the newest end is complete (read to its end, or joined to the oldest end).
    bool atEnd() const { return m_started && m_nextCursor.isEmpty() && !m_fetching; }
    int gapRows() const { return m_gap; } // placeholders between the two ends
    int fetchedRows() const;              // rows read so far (loaded or evicted), gap excluded
    int requestsSent() const { return m_requests; } // GET /api/audit calls of this model
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
    // Makes the last rows addressable: one page from the oldest end, without waiting for the
    // total (no walk through the list); endReached() follows when the last row is loaded.
    void fetchToEnd();

signals:
    void summaryChanged();
    void pageLoaded(int page); // from the newest end; -1 - n for the n-th page from the oldest end
    void endReached();
    void loadFailed(const QString &message);

private:
    struct Page
    {
        QString cursor; // reads this page; empty for the first
        QList<QJsonObject> rows; // in the order of its list (the oldest end's: ascending)
        int count = 0;
        qint64 maxId = 0;
        qint64 minId = 0;
        bool loaded = false;
        bool loading = false;
        quint64 lastUse = 0; // when a row of it was last asked for (or it arrived)
    };
    // Where a row is: m_head, a page from either end, or the gap.
    struct Slot
    {
        enum Kind { Head, HeadPage, Gap, TailPage } kind = Head;
        int page = 0;
        int offset = 0;
    };
    Slot slotOf(int row) const;
    int headRows() const;
    int tailRows() const;
    int headEnd() const { return int(m_head.size()) + headRows(); }
    int firstRowOf(bool tail, int page) const;
    Page &pageAt(bool tail, int number) const { return tail ? m_tail[number] : m_pages[number]; }
    void loadSummary();
    void fetchHead();
    void requestPage(bool tail, int page);
    void pageArrived(bool tail, int page, const QList<QJsonObject> &rows);
    void appendPage(const QString &cursor, const QList<QJsonObject> &rows, const QString &next);
    void evictLeastUsed(bool keepTail, int keep);
    void continueAfterFetch();
    QString text(const QJsonObject &entry, int column) const;
    QUrlQuery pageQuery(const QString &cursor, bool oldestFirst = false) const;
    void auditGet(const QUrlQuery &query, std::function<void(const ApiResult &)> done);
    // The oldest end (auditmodeltail.cpp).
    static Page pageOf(const QString &cursor, const QList<QJsonObject> &rows);
    static qint64 idOf(const QJsonObject &entry);
    static QList<QJsonObject> itemsOf(const QJsonObject &page);
    void requestTail();
    void tailArrived(const QString &cursor, QList<QJsonObject> rows, const QString &next);
    void installTail();
    void resizeGap();
    void fillGap(bool tail, const Page &page, bool meets);
    void fillGapNear(int row);

    GatewayClient *m_client;
    QUrlQuery m_filter;
    QJsonObject m_summary;
    QList<QJsonObject> m_head; // entries written after the first page was read, newest first
    mutable QList<Page> m_pages;
    mutable quint64 m_useClock = 0;
    QString m_nextCursor;
    bool m_started = false;
    bool m_fetching = false;
    bool m_toEnd = false;     // walking the newest end to its end (a trail shorter than the jump)
    bool m_jumping = false;   // fetchToEnd() waits for the oldest page (and the first page)
    bool m_tailFetching = false;
    bool m_tailPending = false; // the oldest page arrived before the first page
    QList<QJsonObject> m_pendingRows;
    QString m_pendingNext;
    mutable QList<Page> m_tail; // from the oldest end: m_tail[0] holds the oldest entries
    QString m_tailNext;         // reads the next page from the oldest end (newer entries)
    int m_gap = 0;
    int m_requests = 0;
    qint64 m_seekId = 0;
    std::function<void(int)> m_found;
    quint64 m_generation = 0;
    qint64 m_markedId = 0;
    int m_pageSize = DefaultPageSize;
    int m_windowPages = DefaultWindowPages;
    TimeFormatter m_formatTime;
};

} // namespace tf::console
