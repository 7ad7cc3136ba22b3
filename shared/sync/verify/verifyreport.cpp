#include "verifyreport.h"

#include <QJsonArray>

namespace tf::sync {

void EntityDrift::addMissing(const QString &key)
{
    ++missing;
    if (missingKeys.size() < kKeysKept)
        missingKeys << key;
}

void EntityDrift::addExtra(const QString &key)
{
    ++extra;
    if (extraKeys.size() < kKeysKept)
        extraKeys << key;
}

void EntityDrift::addDifferent(const QString &key)
{
    ++different;
    if (differentKeys.size() < kKeysKept)
        differentKeys << Different { key, {} };
}

QJsonObject EntityDrift::toJson() const
{
    QJsonArray differentList;
    for (const Different &row : differentKeys) {
        differentList.append(QJsonObject { { QStringLiteral("key"), row.key },
                                       { QStringLiteral("columns"), QJsonArray::fromStringList(row.columns) } });
    }
    return QJsonObject {
        { QStringLiteral("entity"), entity },
        { QStringLiteral("method"), method },
        { QStringLiteral("source_rows"), sourceRows },
        { QStringLiteral("target_rows"), targetRows },
        { QStringLiteral("matching"), matching },
        { QStringLiteral("missing"), missing },
        { QStringLiteral("extra"), extra },
        { QStringLiteral("different"), different },
        { QStringLiteral("retained"), retained },
        { QStringLiteral("invalid"), invalid },
        { QStringLiteral("rows_fetched"), rowsFetched },
        { QStringLiteral("missing_keys"), QJsonArray::fromStringList(missingKeys) },
        { QStringLiteral("extra_keys"), QJsonArray::fromStringList(extraKeys) },
        { QStringLiteral("different_keys"), differentList },
    };
}

qint64 VerifyReport::differences() const
{
    qint64 total = 0;
    for (const EntityDrift &entity : entities)
        total += entity.differences();
    return total;
}

QJsonObject VerifyReport::toJson() const
{
    QJsonArray list;
    qint64 missing = 0, extra = 0, different = 0, invalid = 0;
    for (const EntityDrift &entity : entities) {
        list.append(entity.toJson());
        missing += entity.missing;
        extra += entity.extra;
        different += entity.different;
        invalid += entity.invalid;
    }
    QJsonObject json { { QStringLiteral("differences"), differences() },
                       { QStringLiteral("missing"), missing },
                       { QStringLiteral("extra"), extra },
                       { QStringLiteral("different"), different },
                       { QStringLiteral("invalid"), invalid },
                       { QStringLiteral("repaired"), repaired },
                       { QStringLiteral("entities"), list } };
    if (differencesAfterRepair >= 0)
        json.insert(QStringLiteral("differences_after_repair"), differencesAfterRepair);
    return json;
}

QString VerifyReport::summary() const
{
    qint64 missing = 0, extra = 0, different = 0;
    int drifting = 0;
    for (const EntityDrift &entity : entities) {
        missing += entity.missing;
        extra += entity.extra;
        different += entity.different;
        drifting += entity.differences() > 0 ? 1 : 0;
    }
    if (missing + extra + different == 0)
        return QStringLiteral("no differences");
    return QStringLiteral("%1 missing, %2 extra, %3 different in %4 entit%5")
        .arg(missing)
        .arg(extra)
        .arg(different)
        .arg(drifting)
        .arg(drifting == 1 ? QStringLiteral("y") : QStringLiteral("ies"));
}

} // namespace tf::sync
