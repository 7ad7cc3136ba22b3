#include "auditmodel.h"

#include "client/gatewayclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QColor>
#include <QPalette>
#include <QGuiApplication>

Q_LOGGING_CATEGORY(lcAuditModel, "console.models.audit")

namespace tf::console {

namespace {
const QString kAuditPath = QStringLiteral("/api/audit");

QList<QJsonObject> itemsOf(const QJsonObject &page)
{
    QList<QJsonObject> rows;
    const QJsonArray items = page.value(QLatin1String("items")).toArray();
    rows.reserve(items.size());
    for (const QJsonValue &item : items)
        rows.append(item.toObject());
    return rows;
}

qint64 idOf(const QJsonObject &entry)
{
    return entry.value(QLatin1String("id")).toInteger();
}
} // namespace

AuditModel::AuditModel(GatewayClient *client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
    , m_formatTime([](const QDateTime &t) { return t.toLocalTime().toString(Qt::ISODate); })
{ }

void AuditModel::setTimeFormatter(TimeFormatter formatter)
{
    m_formatTime = std::move(formatter);
    if (rowCount() > 0)
        emit dataChanged(index(0, TimeColumn), index(rowCount() - 1, TimeColumn), { Qt::DisplayRole });
}

int AuditModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() || m_pages.isEmpty())
        return parent.isValid() ? 0 : int(m_head.size());
    return int(m_head.size()) + int(m_pages.size() - 1) * m_pageSize + m_pages.constLast().count;
}

int AuditModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int AuditModel::pageOfRow(int row) const
{
    return (row - int(m_head.size())) / m_pageSize;
}

int AuditModel::firstRowOf(int page) const
{
    return int(m_head.size()) + page * m_pageSize;
}

bool AuditModel::isLoaded(int row) const
{
    if (row < 0 || row >= rowCount())
        return false;
    return row < m_head.size() || m_pages.at(pageOfRow(row)).loaded;
}

QJsonObject AuditModel::entryAt(int row) const
{
    if (!isLoaded(row))
        return {};
    if (row < m_head.size())
        return m_head.at(row);
    const Page &page = m_pages.at(pageOfRow(row));
    const int offset = row - firstRowOf(pageOfRow(row));
    return offset < page.rows.size() ? page.rows.at(offset) : QJsonObject();
}

QString AuditModel::text(const QJsonObject &entry, int column) const
{
    switch (column) {
    case IdColumn:
        return QString::number(idOf(entry));
    case TimeColumn:
        return m_formatTime(QDateTime::fromString(entry.value(QLatin1String("timestamp")).toString(), Qt::ISODateWithMs));
    case UserColumn:
        return entry.value(QLatin1String("username")).toString();
    case ActionColumn:
        return entry.value(QLatin1String("event_type")).toString();
    case SeverityColumn:
        return entry.value(QLatin1String("severity")).toString();
    case TargetColumn: {
        const QString type = entry.value(QLatin1String("resource_type")).toString();
        const QJsonValue id = entry.value(QLatin1String("resource_id"));
        const QString idText = id.isDouble() ? QString::number(id.toInteger()) : id.toString();
        return idText.isEmpty() ? type : type + QLatin1Char(' ') + idText;
    }
    case DescriptionColumn:
        return entry.value(QLatin1String("description")).toString();
    default:
        return {};
    }
}

QVariant AuditModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    if (row >= m_head.size()) {
        const int page = pageOfRow(row);
        m_pages[page].lastUse = ++m_useClock;
        if (!m_pages.at(page).loaded) {
            const_cast<AuditModel *>(this)->requestPage(page);
            switch (role) {
            case Qt::DisplayRole:
                return index.column() == DescriptionColumn ? tr("Loading…") : QStringLiteral("…");
            case Qt::ForegroundRole:
                return QGuiApplication::palette().color(QPalette::PlaceholderText);
            case LoadedRole:
                return false;
            default:
                return {};
            }
        }
    }
    const QJsonObject entry = entryAt(row);
    switch (role) {
    case Qt::DisplayRole:
        return text(entry, index.column());
    case Qt::ToolTipRole:
        return index.column() == DescriptionColumn ? text(entry, DescriptionColumn) : QVariant();
    case Qt::BackgroundRole:
        return m_markedId != 0 && idOf(entry) == m_markedId ? QVariant(QColor(211, 47, 47, 110)) : QVariant();
    case EntryRole:
        return entry;
    case EntryIdRole:
        return idOf(entry);
    case LoadedRole:
        return true;
    default:
        return {};
    }
}

QVariant AuditModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn: return tr("Id");
    case TimeColumn: return tr("Time");
    case UserColumn: return tr("User");
    case ActionColumn: return tr("Action");
    case SeverityColumn: return tr("Result");
    case TargetColumn: return tr("Target");
    case DescriptionColumn: return tr("Description");
    default: return {};
    }
}

bool AuditModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_fetching && (!m_started || !m_nextCursor.isEmpty());
}

QUrlQuery AuditModel::pageQuery(const QString &cursor) const
{
    QUrlQuery query = m_filter;
    query.addQueryItem(QStringLiteral("limit"), QString::number(m_pageSize));
    if (!cursor.isEmpty())
        query.addQueryItem(QStringLiteral("cursor"), QString::fromLatin1(QUrl::toPercentEncoding(cursor)));
    return query;
}

void AuditModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    m_fetching = true;
    const bool first = !m_started;
    m_started = true;
    const QString cursor = first ? QString() : m_nextCursor;
    const quint64 generation = m_generation;
    m_client->get(kAuditPath, pageQuery(cursor), this, [this, cursor, generation](const ApiResult &result) {
        if (generation != m_generation)
            return; // an answer for a filter no longer shown
        m_fetching = false;
        if (!result.ok()) {
            m_toEnd = false;
            emit loadFailed(result.error.message());
            return;
        }
        appendPage(cursor, itemsOf(result.object()), result.object().value(QLatin1String("next_cursor")).toString());
        if (cursor.isEmpty())
            loadSummary();
        continueAfterFetch();
    });
}

void AuditModel::appendPage(const QString &cursor, const QList<QJsonObject> &rows, const QString &next)
{
    m_nextCursor = next;
    if (rows.isEmpty())
        return;
    Page page;
    page.cursor = cursor;
    page.rows = rows;
    page.count = int(rows.size());
    page.firstId = idOf(rows.constFirst());
    page.lastId = idOf(rows.constLast());
    page.loaded = true;
    page.lastUse = ++m_useClock;
    // Only the last page may be short; a short page followed by more (entries purged while
    // paging) ends the list here rather than leaving a hole in the row numbers.
    if (!m_pages.isEmpty() && m_pages.constLast().count < m_pageSize) {
        m_nextCursor.clear();
        return;
    }
    const int first = rowCount();
    beginInsertRows({}, first, first + page.count - 1);
    m_pages.append(page);
    endInsertRows();
    const int number = int(m_pages.size() - 1);
    evictLeastUsed(number);
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
            fetchMore({});
            return;
        }
    }
    if (m_toEnd) {
        if (m_nextCursor.isEmpty()) {
            m_toEnd = false;
            emit endReached();
        } else {
            fetchMore({});
        }
    }
}

void AuditModel::requestPage(int number)
{
    Page &page = m_pages[number];
    if (page.loaded || page.loading)
        return;
    page.loading = true;
    const quint64 generation = m_generation;
    m_client->get(kAuditPath, pageQuery(page.cursor), this, [this, number, generation](const ApiResult &result) {
        if (generation != m_generation || number >= m_pages.size())
            return;
        m_pages[number].loading = false;
        if (!result.ok()) {
            emit loadFailed(result.error.message());
            return;
        }
        pageArrived(number, itemsOf(result.object()));
    });
}

void AuditModel::pageArrived(int number, const QList<QJsonObject> &rows)
{
    Page &page = m_pages[number];
    page.rows = rows.mid(0, page.count);
    page.loaded = true;
    page.lastUse = ++m_useClock;
    evictLeastUsed(number);
    const int first = firstRowOf(number);
    emit dataChanged(index(first, 0), index(first + page.count - 1, ColumnCount - 1));
    emit pageLoaded(number);
}

void AuditModel::evictLeastUsed(int keep)
{
    for (;;) {
        int oldest = -1;
        int loaded = 0;
        for (int i = 0; i < m_pages.size(); ++i) {
            if (!m_pages.at(i).loaded)
                continue;
            ++loaded;
            if (i != keep && (oldest < 0 || m_pages.at(i).lastUse < m_pages.at(oldest).lastUse))
                oldest = i;
        }
        if (loaded <= m_windowPages || oldest < 0)
            return;
        Page &page = m_pages[oldest];
        page.loaded = false;
        page.rows = {};
        const int first = firstRowOf(oldest);
        emit dataChanged(index(first, 0), index(first + page.count - 1, ColumnCount - 1));
    }
}

int AuditModel::loadedPages() const
{
    return int(std::count_if(m_pages.cbegin(), m_pages.cend(), [](const Page &p) { return p.loaded; }));
}

int AuditModel::loadedRows() const
{
    int rows = int(m_head.size());
    for (const Page &page : std::as_const(m_pages))
        rows += int(page.rows.size());
    return rows;
}

qint64 AuditModel::total() const
{
    const QJsonValue total = m_summary.value(QLatin1String("total_entries"));
    return total.isDouble() ? total.toInteger() : -1;
}

int AuditModel::rowOfId(qint64 id) const
{
    for (int i = 0; i < m_head.size(); ++i)
        if (idOf(m_head.at(i)) == id)
            return i;
    for (int number = 0; number < m_pages.size(); ++number) {
        const Page &page = m_pages.at(number);
        if (id > page.firstId || id < page.lastId)
            continue;
        if (!page.loaded) // ids fall by one or more per row: narrow down once it is read
            return firstRowOf(number);
        for (int offset = 0; offset < page.rows.size(); ++offset)
            if (idOf(page.rows.at(offset)) == id)
                return firstRowOf(number) + offset;
        return -1;
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
        const int page = pageOfRow(row);
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = connect(this, &AuditModel::pageLoaded, this, [this, page, id, found, connection](int loaded) {
            if (loaded != page)
                return;
            disconnect(*connection);
            found(rowOfId(id));
        });
        m_pages[page].lastUse = ++m_useClock;
        requestPage(page);
        return;
    }
    const bool beyond = m_pages.isEmpty() || id < m_pages.constLast().lastId;
    if (!beyond || m_nextCursor.isEmpty()) {
        found(-1);
        return;
    }
    m_seekId = id;
    m_found = std::move(found);
    if (!m_fetching)
        fetchMore({});
}

void AuditModel::setMarkedId(qint64 id)
{
    const int before = rowOfId(m_markedId);
    m_markedId = id;
    for (int row : { before, rowOfId(id) })
        if (row >= 0)
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1), { Qt::BackgroundRole });
}

void AuditModel::fetchToEnd()
{
    if (m_started && m_nextCursor.isEmpty() && !m_fetching) {
        emit endReached();
        return;
    }
    m_toEnd = true;
    if (!m_fetching)
        fetchMore({});
}

void AuditModel::setFilter(const QUrlQuery &filter)
{
    beginResetModel();
    ++m_generation;
    m_filter = filter;
    m_pages.clear();
    m_head.clear();
    m_nextCursor.clear();
    m_started = false;
    m_fetching = false;
    m_toEnd = false;
    m_seekId = 0;
    m_found = {};
    m_summary = {};
    endResetModel();
    emit summaryChanged();
    fetchMore({}); // the rows first: counting a large trail takes the gateway longer, so the
                   // summary is asked for once the first page is in (appendPage)
}

void AuditModel::loadSummary()
{
    const quint64 generation = m_generation;
    m_client->get(QStringLiteral("/api/audit/summary"), m_filter, this, [this, generation](const ApiResult &result) {
        if (generation != m_generation)
            return;
        if (!result.ok()) {
            emit loadFailed(result.error.message());
            return;
        }
        m_summary = result.object();
        emit summaryChanged();
    });
}

void AuditModel::refresh()
{
    if (!m_started) {
        fetchMore({});
        return;
    }
    loadSummary();
    const qint64 newest = m_head.isEmpty() ? (m_pages.isEmpty() ? 0 : m_pages.constFirst().firstId) : idOf(m_head.constFirst());
    const quint64 generation = m_generation;
    m_client->get(kAuditPath, pageQuery({}), this, [this, newest, generation](const ApiResult &result) {
        if (generation != m_generation || !result.ok())
            return;
        const QList<QJsonObject> rows = itemsOf(result.object());
        if (m_pages.isEmpty()) { // the list was empty: this is its first page
            if (!rows.isEmpty())
                appendPage({}, rows, result.object().value(QLatin1String("next_cursor")).toString());
            return;
        }
        QList<QJsonObject> fresh;
        for (const QJsonObject &row : rows)
            if (idOf(row) > newest)
                fresh.append(row);
        if (fresh.size() == rows.size() && !result.object().value(QLatin1String("next_cursor")).isNull()) {
            setFilter(m_filter); // more new entries than a page: start over rather than leave a gap
            return;
        }
        if (fresh.isEmpty())
            return;
        beginInsertRows({}, 0, int(fresh.size()) - 1);
        m_head = fresh + m_head;
        endInsertRows();
    });
}

} // namespace tf::console
