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
    return parent.isValid() ? 0 : headEnd() + m_gap + tailRows();
}

int AuditModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool AuditModel::isLoaded(int row) const
{
    if (row < 0 || row >= rowCount())
        return false;
    const Slot slot = slotOf(row);
    switch (slot.kind) {
    case Slot::Head: return true;
    case Slot::HeadPage: return m_pages.at(slot.page).loaded;
    case Slot::TailPage: return m_tail.at(slot.page).loaded;
    case Slot::Gap: return false;
    }
    return false;
}

QJsonObject AuditModel::entryAt(int row) const
{
    if (!isLoaded(row))
        return {};
    const Slot slot = slotOf(row);
    if (slot.kind == Slot::Head)
        return m_head.at(row);
    const Page &page = pageAt(slot.kind == Slot::TailPage, slot.page);
    return slot.offset < page.rows.size() ? page.rows.at(slot.offset) : QJsonObject();
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
    const Slot slot = slotOf(row);
    if (slot.kind != Slot::Head) {
        auto *self = const_cast<AuditModel *>(this);
        bool loaded = false;
        if (slot.kind == Slot::Gap) {
            self->fillGapNear(row);
        } else {
            const bool tail = slot.kind == Slot::TailPage;
            Page &page = pageAt(tail, slot.page);
            page.lastUse = ++m_useClock;
            loaded = page.loaded;
            if (!loaded)
                self->requestPage(tail, slot.page);
        }
        if (!loaded) {
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
    // With the oldest end read, every row is counted: the gap fills as it is looked at.
    return !parent.isValid() && m_tail.isEmpty() && !m_fetching && (!m_started || !m_nextCursor.isEmpty());
}

void AuditModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        fetchHead();
}

int AuditModel::loadedPages() const
{
    auto loaded = [](const Page &p) { return p.loaded; };
    return int(std::count_if(m_pages.cbegin(), m_pages.cend(), loaded) + std::count_if(m_tail.cbegin(), m_tail.cend(), loaded));
}

int AuditModel::loadedRows() const
{
    int rows = int(m_head.size());
    for (const QList<Page> *pages : { &m_pages, &m_tail })
        for (const Page &page : *pages)
            rows += int(page.rows.size());
    return rows;
}

qint64 AuditModel::total() const
{
    const QJsonValue total = m_summary.value(QLatin1String("total_entries"));
    return total.isDouble() ? total.toInteger() : -1;
}

void AuditModel::setMarkedId(qint64 id)
{
    const int before = rowOfId(m_markedId);
    m_markedId = id;
    for (int row : { before, rowOfId(id) })
        if (row >= 0)
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1), { Qt::BackgroundRole });
}

void AuditModel::setFilter(const QUrlQuery &filter)
{
    beginResetModel();
    ++m_generation;
    m_filter = filter;
    m_pages.clear();
    m_head.clear();
    m_nextCursor.clear();
    m_tail.clear();
    m_tailNext.clear();
    m_gap = 0;
    m_pendingRows.clear();
    m_pendingNext.clear();
    m_tailPending = false;
    m_tailFetching = false;
    m_jumping = false;
    m_started = false;
    m_fetching = false;
    m_toEnd = false;
    m_seekId = 0;
    m_found = {};
    m_summary = {};
    endResetModel();
    emit summaryChanged();
    fetchHead(); // the rows first: counting a large trail takes the gateway longer, so the
                 // summary is asked for once the first page is in (fetchHead)
}

void AuditModel::loadSummary()
{
    const quint64 generation = m_generation;
    m_client->getSlow(QStringLiteral("/api/audit/summary"), m_filter, SummaryTimeoutMs, this,
                      [this, generation](const ApiResult &result) {
        if (generation != m_generation)
            return;
        if (!result.ok()) {
            emit loadFailed(result.error.message());
            return;
        }
        m_summary = result.object();
        resizeGap(); // before the signal: the listed count shown with the total is current
        emit summaryChanged();
    });
}

void AuditModel::refresh()
{
    if (!m_started) {
        fetchHead();
        return;
    }
    const qint64 newest = m_head.isEmpty() ? (m_pages.isEmpty() ? 0 : m_pages.constFirst().maxId) : idOf(m_head.constFirst());
    // The page first, then the total once the page is in: the gateway counts a large trail for
    // seconds, and a total counted before the new rows are listed would size the gap for them.
    auditGet(pageQuery({}), [this, newest](const ApiResult &result) {
        if (!result.ok())
            return;
        const QList<QJsonObject> rows = itemsOf(result.object());
        if (m_pages.isEmpty()) { // the list was empty: this is its first page
            if (!rows.isEmpty())
                appendPage({}, rows, result.object().value(QLatin1String("next_cursor")).toString());
            loadSummary();
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
        if (!fresh.isEmpty()) {
            beginInsertRows({}, 0, int(fresh.size()) - 1);
            m_head = fresh + m_head;
            endInsertRows();
        }
        loadSummary();
    });
}

} // namespace tf::console
