#include "demosummary.h"

#include <QJsonArray>

namespace tf::sync {

QStringList DemoSummary::brokenKeys(const QString &table) const
{
    QStringList keys;
    for (const BrokenRow &row : brokenRows) {
        if (row.table == table)
            keys.append(row.key);
    }
    return keys;
}

QJsonObject DemoSummary::toJson() const
{
    QJsonObject counts;
    for (auto it = rowCounts.cbegin(); it != rowCounts.cend(); ++it)
        counts.insert(it.key(), it.value());
    QJsonArray broken;
    for (const BrokenRow &row : brokenRows) {
        broken.append(QJsonObject { { QStringLiteral("table"), row.table },
                                    { QStringLiteral("key_column"), row.keyColumn },
                                    { QStringLiteral("key"), row.key },
                                    { QStringLiteral("column"), row.column },
                                    { QStringLiteral("value"), row.value },
                                    { QStringLiteral("target_field"), row.targetField },
                                    { QStringLiteral("rule"), row.rule },
                                    { QStringLiteral("reason"), row.reason } });
    }
    return { { QStringLiteral("path"), path },
             { QStringLiteral("seed"), qint64(seed) },
             { QStringLiteral("row_counts"), counts },
             { QStringLiteral("broken_rows"), broken } };
}

} // namespace tf::sync
