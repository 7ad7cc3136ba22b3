#include "systemsmodel.h"

#include "systemkinds.h"

#include <QBrush>
#include <QColor>
#include <QJsonArray>

namespace tf::console {

namespace {
// Keys the model adds to a system's JSON; the API never sends keys starting with "_".
const QString PairsKey = QStringLiteral("_pairs");
const QString TestKey = QStringLiteral("_test");
} // namespace

SystemsModel::SystemsModel(QObject *parent)
    : ResourceTableModel(parent)
{
    QList<ColumnSpec> columns(ColumnCount);
    columns[NameColumn] = fieldColumn(tr("Name"), QStringLiteral("name"));
    columns[NameColumn].toolTip = [](const QJsonObject &system) -> QVariant {
        const QString description = system.value(QLatin1String("description")).toString();
        return description.isEmpty() ? QVariant() : QVariant(description);
    };
    auto &kind = columns[KindColumn];
    kind.header = tr("Kind");
    kind.display = [](const QJsonObject &system) -> QVariant {
        return systemkinds::label(system.value(QLatin1String("kind")).toString());
    };
    kind.toolTip = [](const QJsonObject &system) -> QVariant { return system.value(QLatin1String("kind")).toString(); };
    kind.roles.insert(KindRole, [](const QJsonObject &system) -> QVariant { return system.value(QLatin1String("kind")).toString(); });
    auto &where = columns[WhereColumn];
    where.header = tr("Where");
    where.display = [](const QJsonObject &system) -> QVariant {
        return systemkinds::where(system.value(QLatin1String("kind")).toString(), system.value(QLatin1String("settings")).toObject());
    };
    where.toolTip = where.display;
    auto &pairs = columns[PairsColumn];
    pairs.header = tr("Used by");
    pairs.display = [](const QJsonObject &system) -> QVariant {
        const QJsonArray names = system.value(PairsKey).toArray();
        if (names.isEmpty())
            return tr("no pair");
        return names.size() == 1 ? names.first().toString() : tr("%n pair(s)", nullptr, int(names.size()));
    };
    pairs.sortValue = [](const QJsonObject &system) -> QVariant { return system.value(PairsKey).toArray().size(); };
    pairs.toolTip = [](const QJsonObject &system) -> QVariant {
        QStringList names;
        for (const QJsonValue &name : system.value(PairsKey).toArray())
            names << name.toString();
        return names.join(QLatin1Char('\n'));
    };
    pairs.roles.insert(PairNamesRole, [](const QJsonObject &system) -> QVariant {
        QStringList names;
        for (const QJsonValue &name : system.value(PairsKey).toArray())
            names << name.toString();
        return names;
    });
    auto &test = columns[TestColumn];
    test.header = tr("Last test");
    test.display = [](const QJsonObject &system) -> QVariant {
        const QJsonObject result = system.value(TestKey).toObject();
        return result.isEmpty() ? tr("not tested") : result.value(QLatin1String("text")).toString();
    };
    test.toolTip = test.display;
    test.roles.insert(Qt::ForegroundRole, [](const QJsonObject &system) -> QVariant {
        const QString state = system.value(TestKey).toObject().value(QLatin1String("state")).toString();
        if (state == QLatin1String("failed"))
            return QVariant(QBrush(QColor(0xd0, 0x3a, 0x2f)));
        if (state == QLatin1String("ok"))
            return QVariant(QBrush(QColor(0x2e, 0x8b, 0x45)));
        return {};
    });
    setColumns(std::move(columns));
}

QJsonObject SystemsModel::decorated(QJsonObject system) const
{
    const qint64 id = readId(system.value(QLatin1String("id")));
    system.insert(PairsKey, QJsonArray::fromStringList(m_pairs.value(id)));
    if (m_tests.contains(id))
        system.insert(TestKey, m_tests.value(id));
    else
        system.remove(TestKey);
    return system;
}

void SystemsModel::applySystems(const QJsonArray &systems, const QJsonArray &pairs)
{
    m_pairs.clear();
    for (const QJsonValue &value : pairs) {
        const QJsonObject pair = value.toObject();
        const QString name = tr("%1 (#%2)").arg(pair.value(QLatin1String("name")).toString()).arg(pair.value(QLatin1String("id")).toInteger());
        const qint64 source = readId(pair.value(QLatin1String("source_system_id")));
        const qint64 target = readId(pair.value(QLatin1String("target_system_id")));
        m_pairs[source] << name;
        if (target != source)
            m_pairs[target] << name;
    }
    QJsonArray items;
    for (const QJsonValue &value : systems)
        items.append(decorated(value.toObject()));
    applyItems(items);
}

void SystemsModel::setTesting(qint64 id)
{
    m_tests.insert(id, QJsonObject { { QStringLiteral("state"), QStringLiteral("testing") }, { QStringLiteral("text"), tr("testing…") } });
    if (const int row = rowOf(id); row >= 0)
        upsert(decorated(itemAt(row)));
}

void SystemsModel::setTestResult(qint64 id, const QJsonObject &result, const QString &failure)
{
    QJsonObject test;
    if (!failure.isEmpty()) {
        test = { { QStringLiteral("state"), QStringLiteral("failed") }, { QStringLiteral("text"), tr("✗ %1").arg(failure) } };
    } else if (result.value(QLatin1String("ok")).toBool()) {
        test = { { QStringLiteral("state"), QStringLiteral("ok") },
                 { QStringLiteral("text"), tr("✓ %n entities, %1 ms", nullptr, int(result.value(QLatin1String("entities_count")).toInteger()))
                                               .arg(result.value(QLatin1String("elapsed_ms")).toInteger()) } };
    } else {
        test = { { QStringLiteral("state"), QStringLiteral("failed") },
                 { QStringLiteral("text"), tr("✗ %1").arg(result.value(QLatin1String("error")).toString()) } };
    }
    m_tests.insert(id, test);
    if (const int row = rowOf(id); row >= 0)
        upsert(decorated(itemAt(row)));
}

QStringList SystemsModel::pairNamesOf(qint64 id) const
{
    return m_pairs.value(id);
}

QString SystemsModel::nameOf(qint64 id) const
{
    return itemAt(rowOf(id)).value(QLatin1String("name")).toString();
}

} // namespace tf::console
