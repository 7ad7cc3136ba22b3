// Golden tests of every T-SQL statement the `kind: sqlserver` connector sends (no SQL Server
// can run here: docs/connectors/sqlserver.md), and the FreeTDS driver loaded for real against
// a closed local port.
#include "core/errors.h"
#include "sync/connectors/odbcconnector.h"
#include "sync/connectors/odbccursorread.h"
#include "sync/connectors/odbcdialect.h"
#include "sync/connectors/odbcsession.h"
#include "sync/connectors/sqlserverstatements.h"
#include "sync/cdc/odbccdcstatements.h"

#include <QFileInfo>
#include <QSqlDatabase>
#include <QTcpServer>
#include <QtTest>

using namespace tf::sync;
using namespace tf::sync::odbc;
using namespace Qt::StringLiterals;

namespace {

ColumnInfo column(const QString &name, const QString &typeName, ValueType type, bool isMax = false, int precision = 0, int scale = 0)
{
    ColumnInfo c;
    c.name = name;
    c.typeName = typeName;
    c.type = type;
    c.isMax = isMax;
    c.precision = precision;
    c.scale = scale;
    return c;
}

// A PACS parcel table: key, money, datetime2, uniqueidentifier, a (MAX) note, rowversion.
const QList<ColumnInfo> kParcel {
    column(u"parcel_id"_s, u"int"_s, ValueType::Integer),
    column(u"notes"_s, u"nvarchar"_s, ValueType::Text, true),
    column(u"assessed"_s, u"money"_s, ValueType::Decimal, false, 19, 4),
    column(u"changed"_s, u"datetime2"_s, ValueType::Timestamp),
    column(u"owner]id"_s, u"uniqueidentifier"_s, ValueType::Uuid),
};
const QList<ColumnInfo> kKey { kParcel.first() };
const Dialect kTsql(Dbms::SqlServer);

} // namespace

class TestSqlServerDialect final : public QObject
{
    Q_OBJECT

private slots:
    void quotingAndReadExpressions();
    void catalogStatements();
    void readAndPaging();
    void rowversionCursor();
    void cursorReadStopsBelowMinActiveRowversion();
    void changeTracking();
    void hashStatement();
    void mergeAndDelete();
    void batchesStayUnderTheParameterLimit();
    void cdcPositionStatements();
    void cdcTableStatements();
    void cdcBatchesStayUnderTheParameterLimit();
    void settingsBuildTheFreeTdsString();
    void refusedConnectionIsNamed();
};

void TestSqlServerDialect::quotingAndReadExpressions()
{
    QCOMPARE(kTsql.quote(u"owner]id"_s), u"[owner]]id]"_s);
    QCOMPARE(kTsql.readExpression(kParcel.at(3)), u"CONVERT(varchar(33), [changed], 126)"_s);
    QCOMPARE(kTsql.readExpression(kParcel.at(4)), u"CONVERT(char(36), [owner]]id])"_s);
    QCOMPARE(kTsql.readExpression(kParcel.at(2)), u"[assessed]"_s); // HighPrecision: text, never a double
    QCOMPARE(kTsql.parameter(kParcel.at(3)), u"CONVERT(datetime2, ?, 126)"_s);
    QCOMPARE(kTsql.parameter(kParcel.at(2)), u"CAST(? AS decimal(19, 4))"_s);
    QCOMPARE(valueTypeOf(column(u"m"_s, u"money"_s, ValueType::Text), Dbms::SqlServer), ValueType::Decimal);
    ColumnInfo offset = column(u"o"_s, u"datetimeoffset"_s, ValueType::Text);
    QCOMPARE(valueTypeOf(offset, Dbms::SqlServer), ValueType::TimestampTz);
}

void TestSqlServerDialect::catalogStatements()
{
    QCOMPARE(sqlserver::tablesStatement(),
             u"SELECT t.name FROM sys.tables AS t WHERE t.schema_id = SCHEMA_ID() AND t.is_ms_shipped = 0 "
             "AND t.name NOT IN (N'tf_odbc_sync_state', N'tf_odbc_sync_checkpoint', N'tf_cdc_position', N'tf_cdc_snapshot') "
             "ORDER BY t.name"_s);
    QCOMPARE(sqlserver::columnsStatement(),
             u"SELECT c.name, LOWER(ty.name), c.max_length, c.precision, c.scale, c.is_nullable "
             "FROM sys.columns AS c JOIN sys.types AS ty ON ty.user_type_id = c.user_type_id "
             "WHERE c.object_id = OBJECT_ID(?) ORDER BY c.column_id"_s);
    QCOMPARE(sqlserver::primaryKeyStatement(),
             u"SELECT c.name FROM sys.indexes AS i "
             "JOIN sys.index_columns AS ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id "
             "JOIN sys.columns AS c ON c.object_id = ic.object_id AND c.column_id = ic.column_id "
             "WHERE i.object_id = OBJECT_ID(?) AND i.is_primary_key = 1 ORDER BY ic.key_ordinal"_s);
}

void TestSqlServerDialect::readAndPaging()
{
    // (MAX) columns last in the select list; the reader maps them back by readOrder().
    QCOMPARE(kTsql.readOrder(kParcel), (QList<int> { 0, 2, 3, 4, 1 }));
    QCOMPARE(sqlserver::readPage(kTsql, u"parcel"_s, kParcel, kKey),
             u"SELECT [parcel_id], [assessed], CONVERT(varchar(33), [changed], 126), CONVERT(char(36), [owner]]id]), [notes] "
             "FROM [parcel] ORDER BY [parcel_id] OFFSET ? ROWS FETCH NEXT ? ROWS ONLY"_s);
    QCOMPARE(kTsql.firstRows(u"SELECT 1 FROM [parcel] ORDER BY 1"_s),
             u"SELECT 1 FROM [parcel] ORDER BY 1 OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY"_s);
}

void TestSqlServerDialect::rowversionCursor()
{
    const QList<ColumnInfo> two { kParcel.at(0), kParcel.at(2) };
    QCOMPARE(sqlserver::rowversionSince(kTsql, u"parcel"_s, two, u"rv"_s, true),
             u"SELECT [parcel_id], [assessed] FROM [parcel] WHERE [rv] < MIN_ACTIVE_ROWVERSION() ORDER BY [rv]"_s);
    QCOMPARE(sqlserver::rowversionSince(kTsql, u"parcel"_s, two, u"rv"_s, false),
             u"SELECT [parcel_id], [assessed] FROM [parcel] WHERE [rv] > CAST(CAST(? AS bigint) AS binary(8)) "
             "AND [rv] < MIN_ACTIVE_ROWVERSION() ORDER BY [rv]"_s);
    QCOMPARE(sqlserver::rowversionHorizon(), u"SELECT CAST(MIN_ACTIVE_ROWVERSION() AS bigint)"_s);
}

void TestSqlServerDialect::cursorReadStopsBelowMinActiveRowversion()
{
    // What OdbcConnector::readSince sends in cursor mode. On a rowversion column every read
    // stops below MIN_ACTIVE_ROWVERSION(), so the engine can move its checkpoint to the last
    // row read (cursorHorizon answers None) without passing a transaction still open.
    const ColumnInfo rv = column(u"rv"_s, u"rowversion"_s, ValueType::Bytes);
    const CursorRead first = cursorRead(kTsql, rv, kKey, std::nullopt);
    QCOMPARE(first.order, (QStringList { u"CASE WHEN [rv] IS NULL THEN 0 ELSE 1 END"_s, u"[rv]"_s, u"[parcel_id]"_s }));
    QCOMPARE(first.where, u"[rv] < MIN_ACTIVE_ROWVERSION()"_s);
    QVERIFY(first.values.isEmpty());

    const QByteArray version = QByteArray::fromHex("00000000000007d1");
    const CursorRead next = cursorRead(kTsql, rv, kKey, Checkpoint { version, { qint64(42) } });
    QCOMPARE(next.where, u"([rv] > ? OR ([rv] = ? AND ([parcel_id] > ?))) AND [rv] < MIN_ACTIVE_ROWVERSION()"_s);
    QCOMPARE(next.values, (QVariantList { version, version, qint64(42) }));
    // Bound as binary: SQL Server compares binary(8) with the 8 bytes, most significant first.
    QCOMPARE(next.values.first().typeId(), QMetaType::QByteArray);

    // The old name of the type, as SQL Server's catalog still reports it for many tables.
    QVERIFY(isRowversion(kTsql, column(u"ts"_s, u"timestamp"_s, ValueType::Bytes)));
    // A datetime2 cursor has no such bound: the engine holds its checkpoint (no safe horizon).
    const CursorRead changed = cursorRead(kTsql, kParcel.at(3), kKey, std::nullopt);
    QVERIFY(changed.where.isEmpty());
    QVERIFY(!isRowversion(kTsql, kParcel.at(3)));
    // Nor on another database, whatever a column is called.
    QVERIFY(!isRowversion(Dialect(Dbms::PostgreSQL), rv));
}

void TestSqlServerDialect::changeTracking()
{
    QCOMPARE(sqlserver::changeTrackingCurrentVersion(), u"SELECT CHANGE_TRACKING_CURRENT_VERSION()"_s);
    QCOMPARE(sqlserver::changeTrackingMinValidVersion(), u"SELECT CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID(?))"_s);
    const QList<ColumnInfo> columns { kParcel.at(0), kParcel.at(1), kParcel.at(3) };
    QCOMPARE(sqlserver::changeTrackingChanges(kTsql, u"parcel"_s, columns, kKey),
             u"SELECT ct.SYS_CHANGE_OPERATION, ct.SYS_CHANGE_VERSION, ct.[parcel_id], t.[parcel_id], "
             "CONVERT(varchar(33), t.[changed], 126), t.[notes] FROM CHANGETABLE(CHANGES [parcel], ?) AS ct "
             "LEFT JOIN [parcel] AS t ON t.[parcel_id] = ct.[parcel_id] ORDER BY ct.SYS_CHANGE_VERSION, ct.[parcel_id]"_s);
    // A composite key, and every column: the (MAX) one last, each column read as the reader
    // expects it (a uniqueidentifier as char(36)) through its alias (a deleted row's t. columns
    // are NULL, its key comes from ct.).
    const QList<ColumnInfo> twoKeys { kParcel.at(0), kParcel.at(4) };
    QCOMPARE(sqlserver::changeTrackingChanges(kTsql, u"parcel"_s, kParcel, twoKeys),
             u"SELECT ct.SYS_CHANGE_OPERATION, ct.SYS_CHANGE_VERSION, ct.[parcel_id], CONVERT(char(36), ct.[owner]]id]), "
             "t.[parcel_id], t.[assessed], "
             "CONVERT(varchar(33), t.[changed], 126), CONVERT(char(36), t.[owner]]id]), t.[notes] "
             "FROM CHANGETABLE(CHANGES [parcel], ?) AS ct LEFT JOIN [parcel] AS t "
             "ON t.[parcel_id] = ct.[parcel_id] AND t.[owner]]id] = ct.[owner]]id] "
             "ORDER BY ct.SYS_CHANGE_VERSION, ct.[parcel_id], ct.[owner]]id]"_s);
    // A first run or a resync loads the table whole, as readAll() reads it: every row with the
    // server's hash last (the (MAX) column just before it), ordered by key.
    const QList<ColumnInfo> keyAndNotes { kParcel.at(0), kParcel.at(1) };
    QCOMPARE(kTsql.select(u"parcel"_s, keyAndNotes, { u"[parcel_id]"_s }, {}, sqlserver::hashExpression(kTsql, keyAndNotes)),
             u"SELECT [parcel_id], [notes], LOWER(CONVERT(char(32), HASHBYTES('MD5', CONCAT_WS(N',', "
             "COALESCE(CONCAT(DATALENGTH(CONVERT(nvarchar(max), [parcel_id])), N':', CONVERT(nvarchar(max), [parcel_id])), N'-'), "
             "COALESCE(CONCAT(DATALENGTH(CONVERT(nvarchar(max), [notes])), N':', CONVERT(nvarchar(max), [notes])), N'-'))), 2)) "
             "FROM [parcel] ORDER BY [parcel_id]"_s);
    QCOMPARE(sqlserver::changeTrackingResyncMessage(u"parcel"_s, 12, 40),
             u"SQL Server table 'parcel': stored Change Tracking version 12 is below CHANGE_TRACKING_MIN_VALID_VERSION() 40; "
             "changes were cleaned up, running a full resync"_s);
}

void TestSqlServerDialect::hashStatement()
{
    const QList<ColumnInfo> columns { kParcel.at(2), kParcel.at(3) };
    QCOMPARE(sqlserver::hashExpression(kTsql, columns),
             u"LOWER(CONVERT(char(32), HASHBYTES('MD5', CONCAT_WS(N',', "
             "COALESCE(CONCAT(DATALENGTH(CONVERT(nvarchar(max), [assessed])), N':', CONVERT(nvarchar(max), [assessed])), N'-'), "
             "COALESCE(CONCAT(DATALENGTH(CONVERT(nvarchar(max), CONVERT(varchar(33), [changed], 126))), N':', "
             "CONVERT(nvarchar(max), CONVERT(varchar(33), [changed], 126))), N'-'))), 2))"_s);
    QVERIFY(sqlserver::hashPage(kTsql, u"parcel"_s, columns, kKey)
                .endsWith(u"), 2)), [parcel_id] FROM [parcel] ORDER BY [parcel_id] OFFSET ? ROWS FETCH NEXT ? ROWS ONLY"_s));
}

void TestSqlServerDialect::mergeAndDelete()
{
    const QList<ColumnInfo> columns { kParcel.at(0), kParcel.at(2), kParcel.at(3) };
    QCOMPARE(kTsql.upsert(u"parcel"_s, columns, { u"parcel_id"_s }, 2),
             u"MERGE INTO [parcel] WITH (HOLDLOCK) AS t USING (VALUES (?, CAST(? AS decimal(19, 4)), CONVERT(datetime2, ?, 126)), "
             "(?, CAST(? AS decimal(19, 4)), CONVERT(datetime2, ?, 126))) AS s ([parcel_id], [assessed], [changed]) "
             "ON t.[parcel_id] = s.[parcel_id] WHEN MATCHED THEN UPDATE SET t.[assessed] = s.[assessed], t.[changed] = s.[changed] "
             "WHEN NOT MATCHED THEN INSERT ([parcel_id], [assessed], [changed]) VALUES (s.[parcel_id], s.[assessed], s.[changed]);"_s);
    // A table of key columns only: nothing to update.
    QCOMPARE(kTsql.upsert(u"k"_s, kKey, { u"parcel_id"_s }, 1),
             u"MERGE INTO [k] WITH (HOLDLOCK) AS t USING (VALUES (?)) AS s ([parcel_id]) ON t.[parcel_id] = s.[parcel_id] "
             "WHEN NOT MATCHED THEN INSERT ([parcel_id]) VALUES (s.[parcel_id]);"_s);
    QCOMPARE(kTsql.insert(u"parcel"_s, { kParcel.at(0), kParcel.at(4) }, 2),
             u"INSERT INTO [parcel] ([parcel_id], [owner]]id]) VALUES (?, ?), (?, ?)"_s);
    QCOMPARE(sqlserver::deleteKeys(kTsql, u"parcel"_s, { kParcel.at(0), kParcel.at(3) }, 2),
             u"DELETE t FROM [parcel] AS t WHERE (t.[parcel_id] = ? AND t.[changed] = CONVERT(datetime2, ?, 126)) "
             "OR (t.[parcel_id] = ? AND t.[changed] = CONVERT(datetime2, ?, 126))"_s);
    QCOMPARE(kTsql.createTemporary(u"tf_stage_1"_s, u"key_md5 CHAR(32) PRIMARY KEY"_s),
             u"CREATE TABLE #tf_stage_1 (key_md5 CHAR(32) PRIMARY KEY)"_s);
}

void TestSqlServerDialect::batchesStayUnderTheParameterLimit()
{
    QCOMPARE(sqlserver::rowsPerStatement(kTsql, 1), 1000); // VALUES takes at most 1,000 rows
    QCOMPARE(sqlserver::rowsPerStatement(kTsql, 3), 699);
    QCOMPARE(sqlserver::rowsPerStatement(kTsql, 7), 299);
    QCOMPARE(sqlserver::rowsPerStatement(kTsql, 2100), 1);   // one row, whatever its width
    for (int width = 1; width <= 2100; ++width) {
        const int rows = sqlserver::rowsPerStatement(kTsql, width);
        QVERIFY2(rows * width <= 2100 || rows == 1, qPrintable(u"%1 columns: %2 rows"_s.arg(width).arg(rows)));
    }
}

// The cdc target (cdc::OdbcCdcTarget, odbccdcstatements.h) on SQL Server: its position and
// snapshot mark, saved in the target transaction, never backwards.
void TestSqlServerDialect::cdcPositionStatements()
{
    namespace sql = tf::sync::cdc::odbcsql;
    QCOMPARE(sql::createPositionTable(kTsql),
             u"CREATE TABLE tf_cdc_position (pair_id nvarchar(191) NOT NULL, slot nvarchar(191) NOT NULL, "
             "system_id nvarchar(64) NOT NULL, timeline INTEGER NOT NULL, end_lsn BIGINT NOT NULL, "
             "updated_at nvarchar(40) NOT NULL, PRIMARY KEY (pair_id, slot))"_s);
    QCOMPARE(sql::createSnapshotTable(kTsql),
             u"CREATE TABLE tf_cdc_snapshot (pair_id nvarchar(191) NOT NULL, slot nvarchar(191) NOT NULL, "
             "started_at nvarchar(40) NOT NULL, PRIMARY KEY (pair_id, slot))"_s);
    QCOMPARE(sql::loadPosition(), u"SELECT system_id, timeline, end_lsn FROM tf_cdc_position WHERE pair_id = ? AND slot = ?"_s);
    // One MERGE: an older end LSN matches no clause, 0 rows affected, nothing saved.
    QCOMPARE(sql::savePosition(kTsql),
             u"MERGE INTO tf_cdc_position WITH (HOLDLOCK) AS t USING (VALUES (?, ?, ?, ?, CAST(? AS bigint), ?)) "
             "AS s (pair_id, slot, system_id, timeline, end_lsn, updated_at) ON t.pair_id = s.pair_id AND t.slot = s.slot "
             "WHEN MATCHED AND t.end_lsn <= s.end_lsn THEN UPDATE SET t.system_id = s.system_id, t.timeline = s.timeline, "
             "t.end_lsn = s.end_lsn, t.updated_at = s.updated_at "
             "WHEN NOT MATCHED THEN INSERT (pair_id, slot, system_id, timeline, end_lsn, updated_at) "
             "VALUES (s.pair_id, s.slot, s.system_id, s.timeline, s.end_lsn, s.updated_at);"_s);
    // Elsewhere UPDATE, then INSERT when no row is there (run for real by tst_cdcodbc).
    QVERIFY(sql::savePosition(Dialect(Dbms::PostgreSQL)).isEmpty());
    QVERIFY(sql::savePosition(Dialect(Dbms::SQLite)).isEmpty());
    QCOMPARE(sql::removeRow(u"tf_cdc_position"_s), u"DELETE FROM tf_cdc_position WHERE pair_id = ? AND slot = ?"_s);
    QCOMPARE(sql::markSnapshot(kTsql),
             u"INSERT INTO tf_cdc_snapshot (pair_id, slot, started_at) SELECT CAST(? AS nvarchar(191)), "
             "CAST(? AS nvarchar(191)), CAST(? AS nvarchar(40)) "
             "WHERE NOT EXISTS (SELECT 1 FROM tf_cdc_snapshot WHERE pair_id = ? AND slot = ?)"_s);
    QCOMPARE(sql::snapshotMark(), u"SELECT started_at FROM tf_cdc_snapshot WHERE pair_id = ? AND slot = ?"_s);
    QCOMPARE(sql::removeRow(u"tf_cdc_snapshot"_s), u"DELETE FROM tf_cdc_snapshot WHERE pair_id = ? AND slot = ?"_s);
    QCOMPARE(sql::sessionSettings(kTsql), u"SET NOCOUNT OFF; SET TRANSACTION ISOLATION LEVEL READ COMMITTED"_s);
    QVERIFY(sql::sessionSettings(Dialect(Dbms::PostgreSQL)).isEmpty());
}

// The cdc table writer's statements on a composite key: the upsert is the connector's MERGE,
// partial updates, soft deletes and TRUNCATE its own; deletes are the connector's.
void TestSqlServerDialect::cdcTableStatements()
{
    namespace sql = tf::sync::cdc::odbcsql;
    const QList<ColumnInfo> keys { kParcel.at(0), kParcel.at(3) };
    const ColumnInfo deleted = column(u"deleted"_s, u"bit"_s, ValueType::Boolean);
    QCOMPARE(kTsql.upsert(u"parcel"_s, { kParcel.at(0), kParcel.at(3), kParcel.at(1) }, { u"parcel_id"_s, u"changed"_s }, 1),
             u"MERGE INTO [parcel] WITH (HOLDLOCK) AS t USING (VALUES (?, CONVERT(datetime2, ?, 126), ?)) "
             "AS s ([parcel_id], [changed], [notes]) ON t.[parcel_id] = s.[parcel_id] AND t.[changed] = s.[changed] "
             "WHEN MATCHED THEN UPDATE SET t.[notes] = s.[notes] "
             "WHEN NOT MATCHED THEN INSERT ([parcel_id], [changed], [notes]) VALUES (s.[parcel_id], s.[changed], s.[notes]);"_s);
    // An update that did not send [notes] (an unchanged TOAST value) leaves it out.
    QCOMPARE(sql::updateColumns(kTsql, u"parcel"_s, { kParcel.at(2), kParcel.at(4) }, keys),
             u"UPDATE [parcel] SET [assessed] = CAST(? AS decimal(19, 4)), [owner]]id] = ? "
             "WHERE ([parcel_id] = ? AND [changed] = CONVERT(datetime2, ?, 126))"_s);
    QCOMPARE(sql::rowExists(kTsql, u"parcel"_s, keys),
             u"SELECT 1 FROM [parcel] WHERE ([parcel_id] = ? AND [changed] = CONVERT(datetime2, ?, 126))"_s);
    QCOMPARE(sqlserver::deleteKeys(kTsql, u"parcel"_s, keys, 1),
             u"DELETE t FROM [parcel] AS t WHERE (t.[parcel_id] = ? AND t.[changed] = CONVERT(datetime2, ?, 126))"_s);
    QCOMPARE(sql::flagRows(kTsql, u"parcel"_s, deleted, keys, 2),
             u"UPDATE [parcel] SET [deleted] = ? WHERE ([parcel_id] = ? AND [changed] = CONVERT(datetime2, ?, 126)) "
             "OR ([parcel_id] = ? AND [changed] = CONVERT(datetime2, ?, 126))"_s);
    QCOMPARE(sql::deleteAll(kTsql, u"parcel"_s), u"DELETE FROM [parcel]"_s);
    QCOMPARE(sql::flagAll(kTsql, u"parcel"_s, deleted), u"UPDATE [parcel] SET [deleted] = ? WHERE [deleted] IS NULL OR [deleted] <> ?"_s);
}

void TestSqlServerDialect::cdcBatchesStayUnderTheParameterLimit()
{
    namespace sql = tf::sync::cdc::odbcsql;
    QCOMPARE(sql::keysPerStatement(kTsql, 1, 1), 200);
    QCOMPARE(sql::keysPerStatement(kTsql, 20, 1), 104);
    QCOMPARE(sql::keysPerStatement(kTsql, 2100, 1), 1); // one key, whatever its width
    const ColumnInfo deleted = column(u"deleted"_s, u"bit"_s, ValueType::Boolean);
    for (int width = 1; width <= 2100; ++width) {
        const int keys = sql::keysPerStatement(kTsql, width, 1);
        QVERIFY2(keys * width + 1 <= 2100 || keys == 1, qPrintable(u"%1 key columns: %2 keys"_s.arg(width).arg(keys)));
    }
    // The statements as sent: parameters counted in the text.
    const QList<ColumnInfo> keys { kParcel.at(0), kParcel.at(3) };
    const QString flags = sql::flagRows(kTsql, u"parcel"_s, deleted, keys, sql::keysPerStatement(kTsql, 2, 1));
    QVERIFY(flags.count(u'?') <= 2100);
    QCOMPARE(flags.count(u'?'), 1 + 2 * 200);
    const QList<ColumnInfo> wide { kParcel.at(0), kParcel.at(1), kParcel.at(2), kParcel.at(3), kParcel.at(4) };
    const int rows = sqlserver::rowsPerStatement(kTsql, int(wide.size()));
    const QString merge = kTsql.upsert(u"parcel"_s, wide, { u"parcel_id"_s }, rows);
    QCOMPARE(merge.count(u'?'), rows * 5);
    QVERIFY(merge.count(u'?') <= 2100);
    QCOMPARE(sql::savePosition(kTsql).count(u'?'), 6);
}

void TestSqlServerDialect::settingsBuildTheFreeTdsString()
{
    const Settings s = Settings::parse(SystemSettings { u"sqlserver"_s,
                                                        { { u"host"_s, u"pacs.county.local"_s }, { u"database"_s, u"PACS"_s } },
                                                        { { u"user"_s, u"tf"_s }, { u"password"_s, u"se;cret"_s } } });
    QCOMPARE(s.connectionString, u"Driver=/usr/lib/x86_64-linux-gnu/odbc/libtdsodbc.so;Server=pacs.county.local;Port=1433;"
                                 "Database=PACS;TDS_Version=7.4;ClientCharset=UTF-8"_s);
    QCOMPARE(s.connectString(), s.connectionString + u";UID=tf;PWD={se;cret};"_s);
    QCOMPARE(s.describe(), u"sqlserver://tf@pacs.county.local:1433/PACS"_s);
    QVERIFY(!s.describe().contains(u"cret"_s));
}

void TestSqlServerDialect::refusedConnectionIsNamed()
{
    const bool require = qEnvironmentVariableIntValue("TF_REQUIRE_ODBC") == 1;
    if (!QSqlDatabase::isDriverAvailable(u"QODBC"_s) || !QFileInfo::exists(kFreeTdsDriver)) {
        if (require)
            QFAIL("TF_REQUIRE_ODBC=1 but QODBC (libqt6sql6-odbc) or FreeTDS (tdsodbc) is not installed");
        QSKIP("QODBC or FreeTDS is not installed");
    }
    quint16 port = 0;
    {
        QTcpServer probe; // a port nobody listens on once it is closed
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        port = probe.serverPort();
    }
    OdbcConnector connector(SystemSettings { u"sqlserver"_s,
                                             { { u"host"_s, u"127.0.0.1"_s }, { u"port"_s, int(port) }, { u"database"_s, u"PACS"_s } },
                                             { { u"user"_s, u"tf"_s }, { u"password"_s, u"hunter2"_s } } });
    try {
        connector.entities();
        QFAIL("a closed port answered");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Unavailable);
        const QString expected = u"SQL Server at 127.0.0.1:%1 did not answer (TDS 7.4)"_s.arg(port);
        QVERIFY2(error.message().startsWith(expected), qPrintable(error.message()));
        QVERIFY2(!error.message().contains(u"hunter2"_s), qPrintable(error.message()));
    }
}

QTEST_GUILESS_MAIN(TestSqlServerDialect)
#include "tst_sqlserverdialect.moc"
