// The type-fidelity matrix (tst_typefidelity.h) in cdc mode into a MariaDB target: from a
// wal_level=logical cluster into a throwaway MariaDB (both started by the test), every row
// streamed (fid_stream) and copied by a cdc snapshot (fid_snap), then updated, repaired and
// partly deleted, under REPLICA IDENTITY DEFAULT and FULL: stored exactly as a full-mode run of
// the same rows stores them (fid_full), compared by MariaDB itself (null-safe, BINARY), and each
// row MariaDB cannot hold quarantined with the same reason in both modes. Beside it, trailing
// spaces MariaDB would not keep apart (a PAD SPACE key, a CHAR column), refused alike.
#include "cdcmariaside.h"
#include "mariadbserver.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/syncrunner.h"
#include "testsupport.h"
#include "tst_typefidelity.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonDocument>
#include <QMap>
#include <QtTest>

using namespace tf;
using namespace tf::test::cdcpair;

namespace {

const QString kDatabase = QStringLiteral("cdc_matrix");
const QStringList kTables { QStringLiteral("fid_full"), QStringLiteral("fid_stream"), QStringLiteral("fid_snap") };

// The matrix rows MariaDB cannot hold, by column in column order, with the value the reason
// names (as PostgreSQL spells it): infinities, BC and years past 9999, NaN, -0 and digits beyond
// DECIMAL(65,30).
const QStringList kRefused {
    QStringLiteral("infinity|plain ts|-infinity"),
    QStringLiteral("infinity|tstz|infinity"),
    QStringLiteral("infinity|d|infinity"),
    QStringLiteral("minus infinity date|plain ts|infinity"),
    QStringLiteral("minus infinity date|tstz|-infinity"),
    QStringLiteral("minus infinity date|d|-infinity"),
    QStringLiteral("year 1 and BC|tstz|4713-01-01 00:00:00.000001 BC"),
    QStringLiteral("year 1 and BC|d|4714-11-24 BC"),
    QStringLiteral("year 294276|At|294276-12-31 23:59:59.999999"),
    QStringLiteral("year 294276|plain ts|294276-12-31 23:59:59.999999"),
    QStringLiteral("year 294276|tstz|294276-12-31 23:59:59.999999"),
    QStringLiteral("year 294276|d|5874897-12-31"),
    QStringLiteral("NaN|f8|NaN"),
    QStringLiteral("NaN|f4|NaN"),
    QStringLiteral("NaN|num|NaN"),
    QStringLiteral("infinities|f8|Infinity"),
    QStringLiteral("infinities|f4|-Infinity"),
    QStringLiteral("infinities|num|Infinity"),
    QStringLiteral("minus zero and tiny|f8|-0"),
    QStringLiteral("minus zero and tiny|num|-Infinity"),
    QStringLiteral("numeric 40 digits|Amount|1234567890123456789012345678901234567890.0000000001"),
    QStringLiteral("numeric 40 digits|num|-0.0000000000000000000000000000000000000001"),
};

} // namespace

class TestCdcMariaDbMatrix : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TemporaryPostgres> m_cluster;
    test::PgSyncWorld m_world;
    test::MariaDbServer m_server;
    std::unique_ptr<MariaSide> m_side;
    // The full runs' connectors, on the test's thread (a cdc run reads its snapshot through
    // m_world.src).
    std::unique_ptr<sync::PostgresConnector> m_fullSource;
    std::unique_ptr<sync::MysqlConnector> m_fullTarget;

    void sql(const QString &statement) { m_world.admin->execDirect(statement, "cdc mariadb matrix test"); }
    qint64 pgValue(const QString &query) { return test::scalar(*m_world.admin, query).toLongLong(); }
    qint64 count(const QString &table, const QString &where = QStringLiteral("TRUE"))
    {
        return m_side->value(QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2").arg(table, where));
    }

    // The pair's slot streams: changes committed from now on reach it (streamingSlotQuery: the
    // slot is also "active" while being created, and QTest checks its condition twice).
    void waitForSlot(const QString &pairId)
    {
        QTRY_VERIFY_WITH_TIMEOUT(pgValue(test::streamingSlotQuery(QStringLiteral("tf_pair_") + pairId)) == 1,
                                 30000);
    }

    // Rows of `a` with no equal row in `b` and the other way round, MariaDB comparing every
    // column null-safely and byte for byte.
    qint64 differences(const QString &a, const QString &b)
    {
        QStringList equal;
        for (const QString &column : fidelity::kColumnNames)
            equal << QStringLiteral("s.`%1` <=> t.`%1` AND BINARY s.`%1` <=> BINARY t.`%1`").arg(column);
        const QString same = equal.join(QStringLiteral(" AND "));
        return m_side->value(QStringLiteral("SELECT (SELECT COUNT(*) FROM %1 s WHERE NOT EXISTS (SELECT 1 FROM %2 t "
                                            "WHERE %3)) + (SELECT COUNT(*) FROM %2 t WHERE NOT EXISTS (SELECT 1 "
                                            "FROM %1 s WHERE %3))")
                                 .arg(a, b, same));
    }

    // The pair's open quarantine entries as "source key|field|rule|message", sorted.
    QStringList quarantined(const QString &pairId)
    {
        QStringList entries;
        for (const sync::QuarantineEntry &entry : m_world.quarantine->list(pairId, QStringLiteral("open"), 1000).entries)
            entries << QStringList { entry.sourceKey, entry.field, entry.rule, entry.message }.join(QLatin1Char('|'));
        std::sort(entries.begin(), entries.end());
        return entries;
    }

    // A full-mode run of the matrix into fid_full: what the MariaDB connector's full load
    // stores and quarantines.
    void fullRun(const QString &pairId, qint64 expectQuarantined)
    {
        fullRunOf(fidelitySpec(pairId, QStringLiteral("fid_full")), expectQuarantined);
    }
    void fullRunOf(sync::PairSpec spec, qint64 expectQuarantined)
    {
        spec.cdc = false;
        sync::SyncRunner runner(spec, *m_fullSource, *m_fullTarget, *m_world.quarantine);
        sync::RunOptions options;
        options.forceFull = true;
        const sync::RunResult result = runner.run(options);
        QVERIFY2(result.status == (expectQuarantined > 0 ? sync::RunStatus::CompletedWithErrors : sync::RunStatus::Completed),
                 QJsonDocument(result.toJson()).toJson(QJsonDocument::Compact).constData());
        QCOMPARE(result.totals.quarantined, expectQuarantined);
    }

    // cdc_src.padded (name, code, v) into `target`, keyed by name.
    static sync::PairSpec paddedSpec(const QString &pairId, const QString &target)
    {
        sync::PairSpec spec = pairSpec(pairId);
        sync::EntitySpec &entity = spec.entities.first();
        entity.name = entity.sourceEntity = QStringLiteral("padded");
        entity.targetEntity = target;
        entity.sourceKey = entity.targetKey = { QStringLiteral("name") };
        QJsonArray fields;
        for (const char *column : { "name", "code", "v" })
            fields.append(QJsonObject { { QStringLiteral("target"), QLatin1String(column) },
                                        { QStringLiteral("source"), QLatin1String(column) } });
        entity.mapping = QJsonObject { { QStringLiteral("fields"), fields } };
        return spec;
    }
    QString paddedRows(const QString &table)
    {
        return m_side->text(QStringLiteral("SELECT GROUP_CONCAT(CONCAT('[', name, '][', code, ']', v) ORDER BY name SEPARATOR ' ') "
                                           "FROM %1").arg(table));
    }

    // `entries` (quarantined()) are the rows kRefused lists, one entry per row: its field the
    // first refused column, its message every refused column by name with its value, in order.
    void verifyRefusals(const QStringList &entries)
    {
        QMap<QString, QStringList> expected; // case name -> "column|value"
        for (const QString &refusal : kRefused)
            expected[refusal.section(QLatin1Char('|'), 0, 0)] << refusal.section(QLatin1Char('|'), 1);
        QCOMPARE(entries.size(), expected.size());
        for (const QString &entry : entries) {
            const QStringList parts = entry.split(QLatin1Char('|'));
            QCOMPARE(parts.size(), 4);
            const QString caseName = QJsonDocument::fromJson(parts.at(0).toUtf8()).array().at(0).toString();
            QVERIFY2(expected.contains(caseName), qPrintable(entry));
            const QStringList want = expected.value(caseName);
            QCOMPARE(parts.at(1), want.first().section(QLatin1Char('|'), 0, 0));
            QCOMPARE(parts.at(2), QStringLiteral("target_type"));
            const QStringList reasons = parts.at(3).split(QStringLiteral("; "));
            QCOMPARE(reasons.size(), want.size());
            for (qsizetype i = 0; i < want.size(); ++i) {
                const QString column = want.at(i).section(QLatin1Char('|'), 0, 0);
                const QString value = want.at(i).section(QLatin1Char('|'), 1);
                QVERIFY2(reasons.at(i).startsWith(QStringLiteral("column '%1': ").arg(column)) && reasons.at(i).contains(value),
                         qPrintable(QStringLiteral("%1: no reason naming %2 and %3").arg(entry, column, value)));
            }
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        TF_START_LOGICAL_CLUSTER(m_cluster);
        TF_START_MARIADB(m_server);
        QVERIFY(m_world.open(m_cluster->url(), kSrc, kDst));
        sql(QStringLiteral("CREATE TABLE cdc_src.fidelity %1").arg(QString::fromUtf8(fidelity::kColumns)));
        QVERIFY2(m_server.createDatabase(kDatabase), qPrintable(m_server.error()));
        m_side = std::make_unique<MariaSide>(m_server.port(), kDatabase);
        for (const QString &table : kTables)
            m_side->exec(QStringLiteral("CREATE TABLE %1 %2").arg(table, QString::fromUtf8(fidelity::kMysqlColumns)));
        m_fullSource = test::PgSyncWorld::connector(m_cluster->url(), kSrc);
        m_fullTarget = std::make_unique<sync::MysqlConnector>(mariaSettings(m_server.port(), kDatabase));
    }

    void cleanupTestCase()
    {
        m_fullTarget.reset();
        m_fullSource.reset();
        m_side.reset();
        m_world.close();
        m_cluster.reset();
        m_server.stop();
    }

    // Trailing spaces MariaDB would not keep apart: a key of a PAD SPACE collation (utf8mb4_bin)
    // where 'pad ' is the key of 'pad', and a CHAR column (it drops them). Refused in both
    // modes alike, and the refused key's delete leaves 'pad' alone.
    void trailingSpacesRefused()
    {
        sql(QStringLiteral("CREATE TABLE cdc_src.padded (name text PRIMARY KEY, code text, v int NOT NULL)"));
        for (const char *table : { "pad_full", "pad_stream" })
            m_side->exec(QStringLiteral("CREATE TABLE %1 (name VARCHAR(20) COLLATE utf8mb4_bin PRIMARY KEY, code CHAR(4), "
                                        "v INT) DEFAULT CHARSET=utf8mb4").arg(QLatin1String(table)));
        auto streamed = TargetRun::start(m_world, *m_side, paddedSpec(QStringLiteral("padstream"), QStringLiteral("pad_stream")));
        waitForSlot(QStringLiteral("padstream"));
        sql(QStringLiteral("INSERT INTO cdc_src.padded VALUES ('pad', 'ab', 1), ('pad ', 'cd', 2), ('other', 'ef ', 3), "
                           "('fine', 'gh', 4)"));
        fullRunOf(paddedSpec(QStringLiteral("padfull"), QStringLiteral("pad_full")), 2);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(paddedRows(QStringLiteral("pad_full")), QStringLiteral("[fine][gh]4 [pad][ab]1"));
        QTRY_COMPARE_WITH_TIMEOUT(paddedRows(QStringLiteral("pad_stream")), QStringLiteral("[fine][gh]4 [pad][ab]1"), 30000);
        const QStringList refused = quarantined(QStringLiteral("padfull"));
        QCOMPARE(refused.size(), 2);
        QVERIFY2(refused.at(0).startsWith(QStringLiteral("other|code|target_type|column 'code': 'ef ' ends in spaces, "
                                                         "which char(4) drops")),
                 qPrintable(refused.at(0)));
        QVERIFY2(refused.at(1).startsWith(QStringLiteral("pad |name|target_type|column 'name': 'pad ' ends in spaces, "
                                                         "which the collation utf8mb4_bin (PAD SPACE) of a unique key ignores: "
                                                         "it is the key of 'pad'")),
                 qPrintable(refused.at(1)));
        QTRY_COMPARE_WITH_TIMEOUT(quarantined(QStringLiteral("padstream")), refused, 30000);

        sql(QStringLiteral("BEGIN; DELETE FROM cdc_src.padded WHERE name = 'pad '; UPDATE cdc_src.padded SET v = 5 "
                           "WHERE name = 'fine'; COMMIT"));
        QTRY_COMPARE_WITH_TIMEOUT(paddedRows(QStringLiteral("pad_stream")), QStringLiteral("[fine][gh]5 [pad][ab]1"), 30000);
        fullRunOf(paddedSpec(QStringLiteral("padfull"), QStringLiteral("pad_full")), 1);
        QCOMPARE(paddedRows(QStringLiteral("pad_full")), QStringLiteral("[fine][gh]5 [pad][ab]1"));
        const sync::RunResult stopped = streamed->stop();
        QVERIFY2(stopped.error.isEmpty(), qPrintable(stopped.error));
        sync::CdcExecutor::dropReplication(m_world.src->url(), QStringLiteral("padstream"));
    }

    void typeFidelityMatchesFullLoad_data()
    {
        QTest::addColumn<QString>("identity");
        QTest::newRow("default") << QStringLiteral("DEFAULT");
        QTest::newRow("full") << QStringLiteral("FULL");
    }

    void typeFidelityMatchesFullLoad()
    {
        QFETCH(QString, identity);
        const QString suffix = identity.toLower();
        const QString fullPair = QStringLiteral("fidfull") + suffix;
        const QString streamPair = QStringLiteral("fidstream") + suffix;
        const QString snapPair = QStringLiteral("fidsnap") + suffix;
        sql(QStringLiteral("TRUNCATE cdc_src.fidelity"));
        sql(QStringLiteral("ALTER TABLE cdc_src.fidelity REPLICA IDENTITY ") + identity);
        for (const QString &table : kTables)
            m_side->exec(QStringLiteral("DELETE FROM ") + table);

        auto streamed = TargetRun::start(m_world, *m_side, fidelitySpec(streamPair, QStringLiteral("fid_stream")));
        waitForSlot(streamPair); // changes from here on are streamed (the snapshot is empty)
        sql(QStringLiteral("INSERT INTO cdc_src.fidelity VALUES %1").arg(QString::fromUtf8(fidelity::kRows)));
        const qint64 rows = pgValue(QStringLiteral("SELECT count(*) FROM cdc_src.fidelity"));
        QVERIFY(rows >= 19);
        const qint64 refused = 8;
        fullRun(fullPair, refused);
        if (QTest::currentTestFailed())
            return;
        const qint64 landed = count(QStringLiteral("fid_full"));
        QCOMPARE(landed, rows - refused);
        const QStringList refusals = quarantined(fullPair);
        verifyRefusals(refusals);
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("fid_stream")), landed, 30000);
        QCOMPARE(differences(QStringLiteral("fid_full"), QStringLiteral("fid_stream")), 0);
        QTRY_COMPARE_WITH_TIMEOUT(quarantined(streamPair), refusals, 30000);

        // The snapshot of a cdc pair (then streaming beside the first).
        auto snapshot = TargetRun::start(m_world, *m_side, fidelitySpec(snapPair, QStringLiteral("fid_snap")));
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("fid_snap")), landed, 30000);
        QCOMPARE(differences(QStringLiteral("fid_full"), QStringLiteral("fid_snap")), 0);
        QTRY_COMPARE_WITH_TIMEOUT(quarantined(snapPair), refusals, 30000);
        waitForSlot(snapPair);

        // Every value sent again beside a changed column: the refused rows refused again.
        sql(QStringLiteral("UPDATE cdc_src.fidelity SET \"Note\" = 'updated ' || \"Case Name\", "
                           "updated_at = updated_at + interval '1 microsecond'"));
        for (const char *table : { "fid_stream", "fid_snap" })
            QTRY_COMPARE_WITH_TIMEOUT(count(QLatin1String(table), QStringLiteral("`Note` LIKE 'updated %'")), landed,
                                      30000);
        fullRun(fullPair, refused);
        QCOMPARE(count(QStringLiteral("fid_full"), QStringLiteral("`Note` LIKE 'updated %'")), landed);
        QCOMPARE(differences(QStringLiteral("fid_full"), QStringLiteral("fid_stream")), 0);
        QCOMPARE(differences(QStringLiteral("fid_full"), QStringLiteral("fid_snap")), 0);
        const QStringList updatedRefusals = quarantined(fullPair);
        verifyRefusals(updatedRefusals);
        QCOMPARE(quarantined(streamPair), updatedRefusals);
        QCOMPARE(quarantined(snapPair), updatedRefusals);

        // Refused rows repaired at the source land: -0 made 0 leaves the float4 1e-45 beside it,
        // held by FLOAT as the float it is (as the float extremes by DOUBLE and FLOAT).
        sql(QStringLiteral("BEGIN; UPDATE cdc_src.fidelity SET f8 = 1, f4 = 2, num = 3 WHERE \"Case Name\" = 'NaN'; "
                           "UPDATE cdc_src.fidelity SET f8 = 0, num = 0 WHERE \"Case Name\" = 'minus zero and tiny'; COMMIT"));
        for (const char *table : { "fid_stream", "fid_snap" })
            QTRY_COMPARE_WITH_TIMEOUT(count(QLatin1String(table)), landed + 2, 30000);
        fullRun(fullPair, refused - 2);
        for (const QString &table : kTables) {
            QCOMPARE(m_side->text(QStringLiteral("SELECT CONCAT_WS('|', CAST(CAST(f4 AS DOUBLE) AS CHAR), CAST(f8 AS CHAR)) "
                                                 "FROM %1 WHERE `Case Name` = 'minus zero and tiny'").arg(table)),
                     QStringLiteral("1.401298464324817e-45|0"));
            QCOMPARE(m_side->text(QStringLiteral("SELECT CONCAT_WS('|', CAST(f8 AS CHAR), CAST(CAST(f4 AS DOUBLE) AS CHAR), "
                                                 "CAST(num AS CHAR)) FROM %1 WHERE `Case Name` = 'float extremes'").arg(table)),
                     QStringLiteral("5e-324|3.4028234663852886e38|0.100000000000000000000000000000"));
        }
        QCOMPARE(count(QStringLiteral("fid_full")), landed + 2);
        QCOMPARE(differences(QStringLiteral("fid_full"), QStringLiteral("fid_stream")), 0);
        QCOMPARE(differences(QStringLiteral("fid_full"), QStringLiteral("fid_snap")), 0);
        QCOMPARE(quarantined(streamPair), quarantined(fullPair));
        QCOMPARE(quarantined(snapPair), quarantined(fullPair));

        // A refused key's delete, changed key and update touch no row: not the row MariaDB
        // would clamp the 40-digit key to (DECIMAL(65,30)'s largest), nor the one a year
        // 294276 key would be compared with, both held beside them.
        sql(QStringLiteral("INSERT INTO cdc_src.fidelity (\"Case Name\", \"At\", \"Amount\", \"Label\", updated_at) VALUES "
                           "('numeric 40 digits', '2000-01-01 00:00:00.000012+00', %1, 'clamp neighbour', "
                           "'2024-01-02 00:00:00+00'), ('year 294276', '9999-12-31 23:59:59.999999+00', 7, "
                           "'year neighbour', '2024-01-02 00:00:00+00')")
                .arg(QStringLiteral("99999999999999999999999999999999999.999999999999999999999999999999")));
        sql(QStringLiteral("BEGIN; UPDATE cdc_src.fidelity SET \"Note\" = 'refused key updated' WHERE \"Amount\" > 1e39 "
                           "OR \"At\" > '10000-01-01'; UPDATE cdc_src.fidelity SET \"At\" = \"At\" - interval '1 year' "
                           "WHERE \"At\" > '10000-01-01'; DELETE FROM cdc_src.fidelity WHERE \"Amount\" > 1e39; "
                           "UPDATE cdc_src.fidelity SET \"Note\" = 'marker' WHERE \"Case Name\" = 'microseconds'; COMMIT"));
        for (const char *table : { "fid_stream", "fid_snap" })
            QTRY_COMPARE_WITH_TIMEOUT(count(QLatin1String(table), QStringLiteral("`Note` = 'marker'")), 1, 30000);
        fullRun(fullPair, refused - 3); // the 40-digit row gone, two repaired
        QCOMPARE(count(QStringLiteral("fid_full"), QStringLiteral("`Label` LIKE '%neighbour'")), 2);
        QCOMPARE(differences(QStringLiteral("fid_full"), QStringLiteral("fid_stream")), 0);
        QCOMPARE(differences(QStringLiteral("fid_full"), QStringLiteral("fid_snap")), 0);
        QCOMPARE(quarantined(streamPair), quarantined(fullPair));
        QCOMPARE(quarantined(snapPair), quarantined(fullPair));

        // Deletes (under DEFAULT the key only: text, a microsecond timestamptz at odd offsets,
        // 40-digit numerics), of rows held and of rows refused.
        sql(QStringLiteral("DELETE FROM cdc_src.fidelity WHERE \"Amount\" > 8 OR \"Case Name\" IN ('odd offsets', '')"));
        const qint64 left = pgValue(QStringLiteral("SELECT count(*) FROM cdc_src.fidelity"));
        QVERIFY(left > 0 && left < rows);
        fullRun(fullPair, 4); // infinity, minus infinity date, year 1 and BC, year 294276 left
        const qint64 remaining = count(QStringLiteral("fid_full"));
        for (const char *table : { "fid_stream", "fid_snap" })
            QTRY_COMPARE_WITH_TIMEOUT(count(QLatin1String(table)), remaining, 30000);
        QCOMPARE(differences(QStringLiteral("fid_full"), QStringLiteral("fid_stream")), 0);
        QCOMPARE(differences(QStringLiteral("fid_full"), QStringLiteral("fid_snap")), 0);
        QCOMPARE(quarantined(streamPair), quarantined(fullPair));
        QCOMPARE(quarantined(snapPair), quarantined(fullPair));

        for (TargetRun *run : { streamed.get(), snapshot.get() }) {
            const sync::RunResult stopped = run->stop();
            QVERIFY2(stopped.error.isEmpty(), qPrintable(stopped.error));
        }
        sql(QStringLiteral("ALTER TABLE cdc_src.fidelity REPLICA IDENTITY DEFAULT"));
        for (const QString &pair : { streamPair, snapPair })
            sync::CdcExecutor::dropReplication(m_world.src->url(), pair);
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    qputenv("QTEST_FUNCTION_TIMEOUT", "280000");
    TestCdcMariaDbMatrix test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_cdcmariadbmatrix.moc"
