// AuditModel's pages from the newest end: where a row is, the keyset requests (both ends go
// through auditGet), the window of loaded pages, and finding an entry's row (see auditmodel.h).
#include "auditmodel.h"

#include "client/gatewayclient.h"

#include <QJsonArray>

namespace tf::console {

namespace {
const QString kAuditPath = QStringLiteral("/api/audit");
} // namespace

QList<QJsonObject> AuditModel::itemsOf(const QJsonObject &page)
{
    QList<QJsonObject> rows;
    const QJsonArray items = page.value(QLatin1String("items")).toArray();
    rows.reserve(items.size());
    for (const QJsonValue &item : items)
        rows.append(item.toObject());
    return rows;
}

qint64 AuditModel::idOf(const QJsonObject &entry)
{
    return entry.value(QLatin1String("id")).toInteger();
}

AuditModel::Page AuditModel::pageOf(const QString &cursor, const QList<QJsonObject> &rows)
{
    Page page;
    page.cursor = cursor;
    page.rows = rows;
    page.count = int(rows.size());
    page.loaded = true;
    for (const QJsonObject &row : rows) {
        const qint64 id = idOf(row);
        page.maxId = page.maxId == 0 ? id : qMax(page.maxId, id);
        page.minId = page.minId == 0 ? id : qMin(page.minId, id);
    }
    return page;
}

int AuditModel::headRows() const
{
    return m_pages.isEmpty() ? 0 : int(m_pages.size() - 1) * m_pageSize + m_pages.constLast().count;
}

int AuditModel::tailRows() const
{
    return m_tail.isEmpty() ? 0 : int(m_tail.size() - 1) * m_pageSize + m_tail.constLast().count;
}

int AuditModel::fetchedRows() const
{
    return headEnd() + tailRows();
}

AuditModel::Slot AuditModel::slotOf(int row) const
{
    Slot slot;
    if (row < m_head.size()) {
        slot.offset = row;
        return slot;
    }
    if (row < headEnd()) {
        slot.kind = Slot::HeadPage;
        slot.page = (row - int(m_head.size())) / m_pageSize;
        slot.offset = (row - int(m_head.size())) % m_pageSize;
        return slot;
    }
    if (row < headEnd() + m_gap) {
        slot.kind = Slot::Gap;
        slot.offset = row - headEnd();
        return slot;
    }
    const int k = rowCount() - 1 - row; // the k-th oldest
    slot.kind = Slot::TailPage;
    slot.page = k / m_pageSize;
    slot.offset = k % m_pageSize;
    return slot;
}

int AuditModel::firstRowOf(bool tail, int page) const
{
    if (!tail)
        return int(m_head.size()) + page * m_pageSize;
    // The top row of an oldest-end page: its newest entry.
    return rowCount() - page * m_pageSize - m_tail.at(page).count;
}

QUrlQuery AuditModel::pageQuery(const QString &cursor, bool oldestFirst) const
{
    QUrlQuery query = m_filter;
    if (oldestFirst)
        query.addQueryItem(QStringLiteral("order"), QStringLiteral("oldest"));
    query.addQueryItem(QStringLiteral("limit"), QString::number(m_pageSize));
    if (!cursor.isEmpty())
        query.addQueryItem(QStringLiteral("cursor"), QString::fromLatin1(QUrl::toPercentEncoding(cursor)));
    return query;
}

void AuditModel::auditGet(const QUrlQuery &query, std::function<void(const ApiResult &)> done)
{
    ++m_requests;
    const quint64 generation = m_generation;
    m_client->get(kAuditPath, query, this, [this, generation, done = std::move(done)](const ApiResult &result) {
        if (generation == m_generation) // else an answer for a filter no longer shown
            done(result);
    });
}

void AuditModel::fetchHead()
{
    if (m_fetching || (m_started && m_nextCursor.isEmpty()))
        return;
    m_fetching = true;
    const bool first = !m_started;
    m_started = true;
    const QString cursor = first ? QString() : m_nextCursor;
    auditGet(pageQuery(cursor), [this, cursor](const ApiResult &result) {
        m_fetching = false;
        if (!result.ok()) {
            m_toEnd = false;
            emit loadFailed(result.error.message());
            return;
        }
        appendPage(cursor, itemsOf(result.object()), result.object().value(QLatin1String("next_cursor")).toString());
        if (cursor.isEmpty())
            loadSummary();
        if (m_jumping) // the oldest page came first: it waited for this one
            installTail();
        continueAfterFetch();
    });
}

void AuditModel::appendPage(const QString &cursor, const QList<QJsonObject> &rows, const QString &next)
{
    m_nextCursor = next;
    if (!m_tail.isEmpty()) { // the rows fill the gap from above
        QList<QJsonObject> fresh;
        const qint64 oldestEnd = m_tail.constLast().maxId;
        for (const QJsonObject &row : rows)
            if (idOf(row) > oldestEnd)
                fresh.append(row);
        const bool meets = fresh.size() < rows.size() || next.isEmpty();
        if (meets) {
            m_nextCursor.clear();
            m_tailNext.clear();
        }
        fillGap(false, pageOf(cursor, fresh), meets);
        return;
    }
    if (rows.isEmpty())
        return;
    // Only the last page may be short; a short page followed by more (entries purged while
    // paging) ends the list here rather than leaving a hole in the row numbers.
    if (!m_pages.isEmpty() && m_pages.constLast().count < m_pageSize) {
        m_nextCursor.clear();
        return;
    }
    Page page = pageOf(cursor, rows);
    page.lastUse = ++m_useClock;
    const int first = rowCount();
    beginInsertRows({}, first, first + page.count - 1);
    m_pages.append(page);
    endInsertRows();
    const int number = int(m_pages.size() - 1);
    evictLeastUsed(false, number);
    emit pageLoaded(number);
}

void AuditModel::continueAfterFetch()
{
    if (m_seekId > 0) {
        const int row = rowOfId(m_seekId);
        if (row >= 0 || m_nextCursor.isEmpty()) {
            const qint64 id = std::exchange(m_seekId, 0);
            auto found = std::exchange(m_found, {});
            if (found && row >= 0)
                locate(id, found); // its page may be evicted already: locate() reads it back
            else if (found)
                found(-1);
        } else {
            fetchHead();
            return;
        }
    }
    if (m_toEnd) {
        if (m_nextCursor.isEmpty()) {
            m_toEnd = false;
            emit endReached();
        } else {
            fetchHead();
        }
    }
}

void AuditModel::requestPage(bool tail, int number)
{
    Page &page = pageAt(tail, number);
    if (page.loaded || page.loading)
        return;
    page.loading = true;
    auditGet(pageQuery(page.cursor, tail), [this, tail, number](const ApiResult &result) {
        if (number >= (tail ? m_tail.size() : m_pages.size()))
            return;
        pageAt(tail, number).loading = false;
        if (!result.ok()) {
            emit loadFailed(result.error.message());
            return;
        }
        pageArrived(tail, number, itemsOf(result.object()));
    });
}

void AuditModel::pageArrived(bool tail, int number, const QList<QJsonObject> &rows)
{
    Page &page = pageAt(tail, number);
    page.rows = rows.mid(0, page.count);
    page.loaded = true;
    page.lastUse = ++m_useClock;
    evictLeastUsed(tail, number);
    const int first = firstRowOf(tail, number);
    emit dataChanged(index(first, 0), index(first + page.count - 1, ColumnCount - 1));
    emit pageLoaded(tail ? -1 - number : number);
}

void AuditModel::evictLeastUsed(bool keepTail, int keep)
{
    for (;;) {
        const Page *oldest = nullptr;
        bool oldestTail = false;
        int oldestNumber = -1;
        int loaded = 0;
        for (const bool tail : { false, true }) {
            const QList<Page> &pages = tail ? m_tail : m_pages;
            for (int i = 0; i < pages.size(); ++i) {
                if (!pages.at(i).loaded)
                    continue;
                // The newest end's first page stays: it has no cursor of its own, and read
                // again it would show the entries written since instead of its own rows.
                if (!tail && i == 0) {
                    ++loaded;
                    continue;
                }
                ++loaded;
                if ((tail != keepTail || i != keep) && (!oldest || pages.at(i).lastUse < oldest->lastUse)) {
                    oldest = &pages.at(i);
                    oldestTail = tail;
                    oldestNumber = i;
                }
            }
        }
        if (loaded <= m_windowPages || !oldest)
            return;
        Page &page = pageAt(oldestTail, oldestNumber);
        page.loaded = false;
        page.rows = {};
        const int first = firstRowOf(oldestTail, oldestNumber);
        emit dataChanged(index(first, 0), index(first + page.count - 1, ColumnCount - 1));
    }
}

int AuditModel::rowOfId(qint64 id) const
{
    for (int i = 0; i < m_head.size(); ++i)
        if (idOf(m_head.at(i)) == id)
            return i;
    for (const bool tail : { false, true }) {
        const QList<Page> &pages = tail ? m_tail : m_pages;
        for (int number = 0; number < pages.size(); ++number) {
            const Page &page = pages.at(number);
            if (id > page.maxId || id < page.minId)
                continue;
            const int first = firstRowOf(tail, number);
            if (!page.loaded) // ids fall by one or more per row: narrow down once it is read
                return first;
            for (int offset = 0; offset < page.rows.size(); ++offset)
                if (idOf(page.rows.at(offset)) == id)
                    return tail ? first + page.count - 1 - offset : first + offset;
            return -1;
        }
    }
    return -1;
}

void AuditModel::locate(qint64 id, std::function<void(int row)> found)
{
    const int row = rowOfId(id);
    if (row >= 0 && isLoaded(row)) {
        found(row);
        return;
    }
    if (row >= 0) { // on an evicted page: read it back, then look again
        const Slot slot = slotOf(row);
        const bool tail = slot.kind == Slot::TailPage;
        const int signalled = tail ? -1 - slot.page : slot.page;
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = connect(this, &AuditModel::pageLoaded, this, [this, signalled, id, found, connection](int loaded) {
            if (loaded != signalled)
                return;
            disconnect(*connection);
            found(rowOfId(id));
        });
        pageAt(tail, slot.page).lastUse = ++m_useClock;
        requestPage(tail, slot.page);
        return;
    }
    // Not read yet: between the newest end's last page and the oldest end's first (the gap),
    // which the newest end walks into.
    const bool beyond = m_pages.isEmpty() || id < m_pages.constLast().minId;
    const bool belowTail = !m_tail.isEmpty() && id < m_tail.constFirst().minId;
    if (!beyond || belowTail || m_nextCursor.isEmpty()) {
        found(-1);
        return;
    }
    m_seekId = id;
    m_found = std::move(found);
    fetchHead();
}

void AuditModel::fetchToEnd()
{
    if (atEnd() || !m_tail.isEmpty()) { // the last row is addressable already
        emit endReached();
        return;
    }
    m_jumping = true;
    requestTail();
}

} // namespace tf::console
