#include "odbccdcstatements.h"

#include <QStringList>

namespace tf::sync::cdc::odbcsql {

namespace {

constexpr int kMaxKeysPerStatement = 200;

QString assignments(const Dialect &dialect, const QList<ColumnInfo> &columns)
{
    QStringList sets;
    for (const ColumnInfo &c : columns)
        sets << QStringLiteral("%1 = %2").arg(dialect.quote(c.name), dialect.parameter(c));
    return sets.join(QStringLiteral(", "));
}

} // namespace

QString createPositionTable(const Dialect &d)
{
    return QStringLiteral(
               "CREATE TABLE tf_cdc_position (pair_id %1 NOT NULL, slot %1 NOT NULL, system_id %2 "
               "NOT NULL, "
               "timeline INTEGER NOT NULL, end_lsn BIGINT NOT NULL, updated_at %3 NOT NULL, "
               "PRIMARY KEY (pair_id, slot))")
        .arg(d.keyType(191), d.keyType(64), d.keyType(40));
}

QString createSnapshotTable(const Dialect &d)
{
    return QStringLiteral("CREATE TABLE tf_cdc_snapshot (pair_id %1 NOT NULL, slot %1 NOT NULL, "
                          "started_at %2 NOT NULL, "
                          "PRIMARY KEY (pair_id, slot))")
        .arg(d.keyType(191), d.keyType(40));
}

QString loadPosition()
{
    return QStringLiteral(
        "SELECT system_id, timeline, end_lsn FROM tf_cdc_position WHERE pair_id = ? AND slot = ?");
}

QString savePosition(const Dialect &d)
{
    if (d.dbms() != odbc::Dbms::SqlServer)
        return {};
    return QStringLiteral(
        "MERGE INTO tf_cdc_position WITH (HOLDLOCK) AS t USING (VALUES (?, ?, ?, ?, CAST(? AS "
        "bigint), ?)) "
        "AS s (pair_id, slot, system_id, timeline, end_lsn, updated_at) "
        "ON t.pair_id = s.pair_id AND t.slot = s.slot "
        "WHEN MATCHED AND t.end_lsn <= s.end_lsn THEN UPDATE SET t.system_id = s.system_id, "
        "t.timeline = s.timeline, t.end_lsn = s.end_lsn, t.updated_at = s.updated_at "
        "WHEN NOT MATCHED THEN INSERT (pair_id, slot, system_id, timeline, end_lsn, updated_at) "
        "VALUES (s.pair_id, s.slot, s.system_id, s.timeline, s.end_lsn, s.updated_at);");
}

QString advancePosition()
{
    return QStringLiteral(
        "UPDATE tf_cdc_position SET system_id = ?, timeline = ?, end_lsn = ?, updated_at = ? "
        "WHERE pair_id = ? AND slot = ? AND end_lsn <= ?");
}

QString positionExists()
{
    return QStringLiteral("SELECT 1 FROM tf_cdc_position WHERE pair_id = ? AND slot = ?");
}

QString insertPosition()
{
    return QStringLiteral(
        "INSERT INTO tf_cdc_position (pair_id, slot, system_id, timeline, end_lsn, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
}

QString removeRow(const QString &table)
{
    return QStringLiteral("DELETE FROM %1 WHERE pair_id = ? AND slot = ?").arg(table);
}

QString markSnapshot(const Dialect &d)
{
    // Typed: psqlODBC sends text parameters untyped, which a select list cannot resolve.
    return QStringLiteral(
               "INSERT INTO tf_cdc_snapshot (pair_id, slot, started_at) "
               "SELECT CAST(? AS %1), CAST(? AS %1), CAST(? AS %2) "
               "WHERE NOT EXISTS (SELECT 1 FROM tf_cdc_snapshot WHERE pair_id = ? AND slot = ?)")
        .arg(d.keyType(191), d.keyType(40));
}

QString snapshotMark()
{
    return QStringLiteral("SELECT started_at FROM tf_cdc_snapshot WHERE pair_id = ? AND slot = ?");
}

QString sessionSettings(const Dialect &d)
{
    return d.dbms() == odbc::Dbms::SqlServer
        ? QStringLiteral("SET NOCOUNT OFF; SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        : QString();
}

QString updateColumns(const Dialect &d, const QString &table, const QList<ColumnInfo> &columns,
                      const QList<ColumnInfo> &keys)
{
    return QStringLiteral("UPDATE %1 SET %2 WHERE %3")
        .arg(d.quote(table), assignments(d, columns), d.keyMatch(keys, 1));
}

QString rowExists(const Dialect &d, const QString &table, const QList<ColumnInfo> &keys)
{
    return QStringLiteral("SELECT 1 FROM %1 WHERE %2").arg(d.quote(table), d.keyMatch(keys, 1));
}

QString flagRows(const Dialect &d, const QString &table, const ColumnInfo &flag,
                 const QList<ColumnInfo> &keys, int rows)
{
    return QStringLiteral("UPDATE %1 SET %2 WHERE %3")
        .arg(d.quote(table), assignments(d, { flag }), d.keyMatch(keys, rows));
}

QString deleteAll(const Dialect &d, const QString &table)
{
    return QStringLiteral("DELETE FROM %1").arg(d.quote(table));
}

QString flagAll(const Dialect &d, const QString &table, const ColumnInfo &flag)
{
    const QString column = d.quote(flag.name);
    return QStringLiteral("UPDATE %1 SET %2 = %3 WHERE %2 IS NULL OR %2 <> %3")
        .arg(d.quote(table), column, d.parameter(flag));
}

int keysPerStatement(const Dialect &d, int keyWidth, int otherParameters)
{
    return qBound(1, (d.maxParameters() - otherParameters) / qMax(1, keyWidth),
                  kMaxKeysPerStatement);
}

} // namespace tf::sync::cdc::odbcsql
