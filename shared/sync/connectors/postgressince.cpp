#include "postgressince.h"

#include "postgresquery.h"

namespace tf::sync::pg {

SinceFilter sinceFilter(const PgColumn &cursor, const QList<PgColumn> &keys,
                        const std::optional<Checkpoint> &after, const QStringList &reads)
{
    SinceFilter filter;
    if (!after || after->cursor.isNull() || !after->cursor.isValid())
        return filter;
    const bool withKey = !after->key.isEmpty() && after->key.size() == keys.size();
    QList<PgColumn> compared { cursor };
    if (withKey)
        compared << keys;
    QStringList params;
    for (int i = 0; i < compared.size(); ++i) {
        const PgColumn &column = compared.at(i);
        const QVariant value = i == 0 ? after->cursor : after->key.at(i - 1);
        params << QStringLiteral("CAST(%1 AS %2)")
                      .arg(i < reads.size() ? reads.at(i) : QStringLiteral("?"), column.sqlType);
        filter.binds << QString::fromUtf8(inputText(value, column.type, column.name));
    }
    filter.where = QStringLiteral(" WHERE (%1) %2 (%3)")
                       .arg(refList(compared), withKey ? QStringLiteral(">") : QStringLiteral(">="),
                            params.join(QLatin1String(", ")));
    return filter;
}

} // namespace tf::sync::pg
