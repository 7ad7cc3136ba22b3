// AuditModel's oldest end: the jump to the end of the list (order=oldest) and the gap between
// the pages read from either end (see auditmodel.h).
#include "auditmodel.h"

#include "client/gatewayclient.h"

namespace tf::console {

void AuditModel::requestTail()
{
    if (m_tailFetching)
        return;
    const bool first = m_tail.isEmpty();
    if (!first && m_tailNext.isEmpty())
        return;
    m_tailFetching = true;
    const QString cursor = first ? QString() : m_tailNext;
    auditGet(pageQuery(cursor, true), [this, cursor](const ApiResult &result) {
        m_tailFetching = false;
        if (!result.ok()) {
            m_jumping = false;
            emit loadFailed(result.error.message());
            return;
        }
        tailArrived(cursor, itemsOf(result.object()), result.object().value(QLatin1String("next_cursor")).toString());
    });
}

void AuditModel::tailArrived(const QString &cursor, QList<QJsonObject> rows, const QString &next)
{
    if (m_tail.isEmpty()) { // the first page from the oldest end: placed once the total is known
        m_pendingRows = rows;
        m_pendingNext = next;
        m_tailPending = true;
        installTail();
        return;
    }
    if (m_gap == 0 && m_tailNext.isEmpty())
        return; // the ends met meanwhile
    // Rows the newest end has read already are dropped: the ends meet there.
    const qint64 newestEnd = m_pages.constLast().minId;
    const qsizetype before = rows.size();
    rows.erase(std::remove_if(rows.begin(), rows.end(), [newestEnd](const QJsonObject &row) { return idOf(row) >= newestEnd; }),
               rows.end());
    m_tailNext = next;
    const bool meets = rows.size() < before || next.isEmpty();
    if (meets) {
        m_tailNext.clear();
        m_nextCursor.clear();
    }
    fillGap(true, pageOf(cursor, rows), meets);
}

void AuditModel::installTail()
{
    if (!m_jumping || !m_tailPending)
        return;
    if (atEnd()) { // the newest end got there first (a short or empty list)
        m_jumping = false;
        m_tailPending = false;
        m_pendingRows.clear();
        emit endReached();
        return;
    }
    if (m_pages.isEmpty())
        return; // the first page is on its way: it calls again
    const qint64 newestEnd = m_pages.constLast().minId;
    QList<QJsonObject> rows = std::exchange(m_pendingRows, {});
    const qsizetype before = rows.size();
    rows.erase(std::remove_if(rows.begin(), rows.end(), [newestEnd](const QJsonObject &row) { return idOf(row) >= newestEnd; }),
               rows.end());
    const bool meets = rows.size() < before || m_pendingNext.isEmpty();
    m_jumping = false;
    m_tailPending = false;
    Page page = pageOf(QString(), rows);
    page.lastUse = ++m_useClock;
    // Rows between the ends: the total less what either end holds; off by the entries written
    // since the total was counted until the ends meet (fillGap puts that right). The jump does
    // not wait for the total: until it arrives the gap is the ids between the ends (exact on an
    // unfiltered trail, at most that many under a filter), resized once it is known
    // (resizeGap). At least one row while the ends have not met, for the view to ask for.
    const qint64 gap = meets ? 0
        : total() >= 0   ? qMax<qint64>(1, total() - fetchedRows() - page.count)
                         : qMax<qint64>(1, m_pages.constLast().minId - page.maxId - 1);
    const int added = int(qMin<qint64>(gap + page.count, std::numeric_limits<int>::max() - rowCount()));
    if (added > 0) {
        beginInsertRows({}, rowCount(), rowCount() + added - 1);
        if (page.count > 0)
            m_tail.append(page);
        m_gap = added - page.count;
        m_tailNext = meets ? QString() : m_pendingNext;
        endInsertRows();
    }
    if (meets)
        m_nextCursor.clear();
    if (page.count > 0) {
        evictLeastUsed(true, 0);
        emit pageLoaded(-1);
    }
    emit endReached();
}

void AuditModel::resizeGap()
{
    if (m_tail.isEmpty() || m_tailNext.isEmpty() || total() < 0)
        return; // no oldest end, or the ends have met: every row is read
    const qint64 wanted = qMax<qint64>(1, total() - fetchedRows());
    const int target = int(qMin<qint64>(wanted, qint64(m_gap) + std::numeric_limits<int>::max() - rowCount()));
    const int first = headEnd();
    if (target > m_gap) {
        beginInsertRows({}, first, first + target - m_gap - 1);
        m_gap = target;
        endInsertRows();
    } else if (target < m_gap) {
        beginRemoveRows({}, first, first + m_gap - target - 1);
        m_gap = target;
        endRemoveRows();
    }
    // Every counted row is read: the one placeholder left is kept only until the ends meet,
    // which the nearer end's next read settles without waiting for a view to ask for it.
    if (total() - fetchedRows() <= 0)
        fillGapNear(headEnd());
}

void AuditModel::fillGap(bool tail, const Page &arrived, bool meets)
{
    const int n = arrived.count;
    const int start = headEnd(); // first gap row
    const int converted = qMin(n, m_gap);
    if (n > m_gap) { // more rows than the total said: the extra ones are inserted
        const int extra = n - m_gap;
        const int at = tail ? start : start + m_gap;
        beginInsertRows({}, at, at + extra - 1);
        (tail ? m_tail : m_pages).append(arrived);
        m_gap = 0;
        endInsertRows();
    } else if (n > 0) {
        (tail ? m_tail : m_pages).append(arrived);
        m_gap -= n;
    }
    if (converted > 0) {
        const int first = tail ? headEnd() + m_gap + (n - converted) : start;
        emit dataChanged(index(first, 0), index(first + converted - 1, ColumnCount - 1));
    }
    if (n > 0) {
        const int number = int((tail ? m_tail : m_pages).size() - 1);
        pageAt(tail, number).lastUse = ++m_useClock;
        evictLeastUsed(tail, number);
        emit pageLoaded(tail ? -1 - number : number);
    }
    if (meets && m_gap > 0) { // fewer rows than the total said: the rest of the gap goes
        beginRemoveRows({}, headEnd(), headEnd() + m_gap - 1);
        m_gap = 0;
        endRemoveRows();
    }
    // The gap is used up but the ends have not met: the total was counted before entries
    // written since, or this end read its last full page. The same end reads on until the
    // ends meet (its next rows are the other end's, or more rows are inserted), so that no
    // entry hides behind a gap of none and no placeholder stays for a view to ask for.
    if (!meets && m_gap == 0)
        tail ? requestTail() : fetchHead();
}

void AuditModel::fillGapNear(int row)
{
    // The nearer end reads its next page; the view asks again after it lands, so the gap
    // fills towards the rows on screen.
    const int fromTop = row - headEnd();
    const int fromBottom = headEnd() + m_gap - 1 - row;
    if (fromTop <= fromBottom && !m_nextCursor.isEmpty())
        fetchHead();
    else if (!m_tailNext.isEmpty())
        requestTail();
    else
        fetchHead();
}

} // namespace tf::console
