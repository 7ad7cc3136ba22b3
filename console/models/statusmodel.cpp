#include "statusmodel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace tf::console {

Q_LOGGING_CATEGORY(lcStatusModel, "console.models")

namespace {

// The order operators read the platform in: front door first, storage last.
const QStringList &knownComponents()
{
    static const QStringList names{ QStringLiteral("gateway"), QStringLiteral("syncd"),
                                    QStringLiteral("database") };
    return names;
}

QString formatDuration(qint64 seconds)
{
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    if (seconds < 86400)
        return QStringLiteral("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
    return QStringLiteral("%1 d %2 h").arg(seconds / 86400).arg((seconds % 86400) / 3600);
}

QString scalarText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool: return value.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    case QJsonValue::Double: return QString::number(value.toDouble());
    case QJsonValue::String: return value.toString();
    case QJsonValue::Null: return QStringLiteral("-");
    default: break;
    }
    return QString::fromUtf8(QJsonDocument(value.isArray() ? QJsonDocument(value.toArray())
                                                          : QJsonDocument(value.toObject()))
                                     .toJson(QJsonDocument::Compact));
}

// One line a person can read, from the fields the table has no column for.
QString describe(const QJsonObject &component)
{
    QStringList parts;
    QJsonObject rest = component;
    const auto take = [&rest](const char *key) {
        const QString name = QLatin1String(key);
        const QJsonValue value = rest.value(name);
        rest.remove(name);
        return value;
    };
    take("status");
    take("latency_ms");
    take("error"); // shown separately, first

    if (const QJsonValue backend = take("backend"); !backend.isUndefined())
        parts << scalarText(backend);
    const QJsonValue latest = take("latest_version");
    if (const QJsonValue schema = take("schema_version"); !schema.isUndefined()) {
        QString text = QStringLiteral("schema v%1").arg(scalarText(schema));
        if (latest.isDouble() && latest != schema) // migrations pending
            text += QStringLiteral(" of v%1").arg(scalarText(latest));
        parts << text;
    }
    if (const QJsonValue url = take("url"); !url.isUndefined())
        parts << scalarText(url);
    if (const QJsonValue supervised = take("supervised"); supervised.isBool())
        parts << (supervised.toBool() ? QStringLiteral("supervised") : QStringLiteral("not supervised"));
    if (const QJsonValue restarts = take("restarts"); restarts.isDouble()) {
        const int count = restarts.toInt();
        parts << (count == 1 ? QStringLiteral("1 restart") : QStringLiteral("%1 restarts").arg(count));
    }
    if (const QJsonValue failed = take("failed_attempts"); failed.isDouble() && failed.toDouble() > 0)
        parts << QStringLiteral("%1 failed restart attempts").arg(qint64(failed.toDouble()));
    if (const QJsonValue state = take("state"); state.isString() && state.toString() != QLatin1String("running"))
        parts << state.toString();
    if (const QJsonValue pid = take("pid"); pid.isDouble())
        parts << QStringLiteral("pid %1").arg(qint64(pid.toDouble()));
    if (const QJsonValue node = take("node_id"); node.isString())
        parts << QStringLiteral("node %1").arg(node.toString());
    if (const QJsonValue version = take("version"); version.isString())
        parts << QStringLiteral("v%1").arg(version.toString());
    // toDouble, not toInteger: uptimes come with fractions, and toInteger() gives 0 for them.
    if (const QJsonValue uptime = take("uptime_s"); uptime.isDouble())
        parts << QStringLiteral("up %1").arg(formatDuration(qint64(uptime.toDouble())));
    for (auto it = rest.constBegin(); it != rest.constEnd(); ++it)
        parts << it.key() + QStringLiteral(": ") + scalarText(it.value());
    return parts.join(QStringLiteral(", "));
}

} // namespace

bool StatusModel::Component::operator==(const Component &other) const
{
    return name == other.name && status == other.status && latencyMs == other.latencyMs
            && details == other.details && error == other.error;
}

StatusModel::StatusModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int StatusModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int StatusModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StatusModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Component &row = m_rows.at(index.row());
    const Health health = healthFromString(row.status);

    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case ComponentColumn: return row.name;
        case StatusColumn: return row.status;
        case LatencyColumn: return row.latencyMs ? QVariant(*row.latencyMs) : QVariant();
        case DetailsColumn:
            if (row.error.isEmpty())
                return row.details;
            return row.details.isEmpty() ? row.error
                                          : QString(row.error + QStringLiteral(" (") + row.details + QLatin1Char(')'));
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == DetailsColumn || index.column() == StatusColumn)
            return row.error.isEmpty() ? row.details : QString(row.error + QLatin1Char('\n') + row.details);
        break;
    case Qt::DecorationRole:
        if (index.column() == StatusColumn)
            return healthColor(health);
        break;
    case Qt::ForegroundRole:
        if (index.column() == DetailsColumn && !row.error.isEmpty())
            return healthColor(Health::Down);
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == LatencyColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case HealthRole:
        return int(health);
    default:
        break;
    }
    return {};
}

QVariant StatusModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ComponentColumn: return tr("Component");
    case StatusColumn: return tr("Status");
    case LatencyColumn: return tr("Latency (ms)");
    case DetailsColumn: return tr("Details");
    default: break;
    }
    return {};
}

QString StatusModel::componentName(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).name : QString();
}

bool StatusModel::ordersBefore(const QString &left, const QString &right)
{
    const auto rank = [](const QString &name) {
        const qsizetype known = knownComponents().indexOf(name);
        return known < 0 ? knownComponents().size() : known;
    };
    const auto leftRank = rank(left);
    const auto rightRank = rank(right);
    return leftRank != rightRank ? leftRank < rightRank : left < right;
}

std::optional<QList<StatusModel::Component>>
StatusModel::parseComponents(const QJsonObject &components, QString *problem)
{
    QList<Component> parsed;
    for (auto it = components.constBegin(); it != components.constEnd(); ++it) {
        if (!it.value().isObject()) {
            *problem = tr("component \"%1\" is not an object").arg(it.key());
            return std::nullopt;
        }
        const QJsonObject object = it.value().toObject();
        Component component;
        component.name = it.key();
        component.status = object.value(QLatin1String("status")).toString();
        if (component.status.isEmpty())
            component.status = healthToString(Health::Unknown);
        const QJsonValue latency = object.value(QLatin1String("latency_ms"));
        if (latency.isDouble() && std::isfinite(latency.toDouble()))
            component.latencyMs = latency.toDouble();
        component.error = object.value(QLatin1String("error")).toString();
        component.details = describe(object);
        parsed.append(component);
    }
    std::sort(parsed.begin(), parsed.end(),
              [](const Component &a, const Component &b) { return ordersBefore(a.name, b.name); });
    return parsed;
}

bool StatusModel::applyStatus(const QJsonDocument &document)
{
    QString problem;
    const QJsonObject root = document.object();
    const QJsonValue components = root.value(QLatin1String("components"));
    std::optional<QList<Component>> next;
    if (!document.isObject())
        problem = tr("the answer is not a JSON object");
    else if (!components.isObject())
        problem = tr("\"components\" is missing or not an object");
    else
        next = parseComponents(components.toObject(), &problem);
    if (!next) {
        setError(tr("The gateway sent a status the console cannot read: %1.").arg(problem));
        return false;
    }

    mergeRows(*next);

    const QString overall = root.value(QLatin1String("status")).toString();
    if (!overall.isEmpty()) {
        m_overall = healthFromString(overall);
    } else { // an older gateway: the worst component decides
        m_overall = Health::Healthy;
        for (const Component &component : std::as_const(m_rows))
            m_overall = std::max(m_overall, healthFromString(component.status));
    }
    m_version = root.value(QLatin1String("version")).toString();
    m_serverTimestamp = QDateTime::fromString(root.value(QLatin1String("timestamp")).toString(),
                                              Qt::ISODateWithMs);
    m_lastUpdated = QDateTime::currentDateTime();
    m_error.clear();
    emit summaryChanged();
    return true;
}

void StatusModel::mergeRows(const QList<Component> &next)
{
    // 1. Components that are gone, from the bottom so row numbers stay true while removing.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        const QString &name = m_rows.at(row).name;
        const bool kept = std::any_of(next.cbegin(), next.cend(),
                                      [&name](const Component &c) { return c.name == name; });
        if (!kept) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
    }
    // 2. Both lists are now sorted the same way: walk them together, updating or inserting.
    for (int row = 0; row < next.size(); ++row) {
        const Component &incoming = next.at(row);
        if (row < m_rows.size() && m_rows.at(row).name == incoming.name) {
            if (!(m_rows.at(row) == incoming)) {
                m_rows[row] = incoming;
                emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
            }
            continue;
        }
        beginInsertRows({}, row, row);
        m_rows.insert(row, incoming);
        endInsertRows();
    }
}

void StatusModel::setError(const QString &message)
{
    qCDebug(lcStatusModel) << "status unavailable:" << message;
    m_error = message.isEmpty() ? tr("The status is not available.") : message;
    m_overall = Health::Unknown;
    emit summaryChanged();
}

} // namespace tf::console
