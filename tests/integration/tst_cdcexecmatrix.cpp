// cdc mode through the executor (CdcExecutor into a real target PostgreSQL) under REPLICA
// IDENTITY DEFAULT and FULL: inserts, updates (a key column of the composite key among them),
// deletes, TRUNCATE and an unchanged TOAST value on the composite-key parcel table, and every
// row of the type-fidelity matrix (tst_typefidelity.h) streamed, updated and deleted. The
// target is compared with the source as text, row by row (each row's text output on both
// sides, EXCEPT ALL both ways): nothing rounded, truncated, dropped or written twice.
#include "cdcpairfixture.h"
#include "cdcrunning.h"
#include "sync/engine/cdcexecutor.h"
#include "tst_typefidelity.h"

#include <QtTest>

using namespace tf;
using namespace tf::test::cdcpair;
using tf::test::scalar;

class TestCdcExecMatrix : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TemporaryPostgres> m_cluster;
    test::PgSyncWorld m_world;

    void sql(const QString &statement) { m_world.admin->execDirect(statement, "cdc matrix test"); }
    qint64 value(const QString &query) { return scalar(*m_world.admin, query).toLongLong(); }

    // Rows whose text differs between cdc_src.<table> and cdc_dst.<table> (both ways, with
    // multiplicity). Both tables declare the same columns in the same order.
    qint64 textDifferences(const QString &table)
    {
        return value(QStringLiteral("SELECT (SELECT count(*) FROM (SELECT t::text FROM cdc_src.%1 t EXCEPT ALL "
                                    "SELECT t::text FROM cdc_dst.%1 t) a) + (SELECT count(*) FROM (SELECT t::text "
                                    "FROM cdc_dst.%1 t EXCEPT ALL SELECT t::text FROM cdc_src.%1 t) b)")
                         .arg(table));
    }
    // The first differing row of the source, for a failure message.
    QString firstDifference(const QString &table)
    {
        return scalar(*m_world.admin,
                      QStringLiteral("SELECT left(coalesce((SELECT 'source: ' || t::text FROM cdc_src.%1 t EXCEPT "
                                     "SELECT 'source: ' || t::text FROM cdc_dst.%1 t LIMIT 1), (SELECT 'target: ' || "
                                     "t::text FROM cdc_dst.%1 t EXCEPT SELECT 'target: ' || t::text FROM cdc_src.%1 t "
                                     "LIMIT 1), ''), 300)")
                          .arg(table));
    }
    bool sameAsSource(const QString &table)
    {
        if (textDifferences(table) == 0)
            return true;
        qWarning().noquote() << table << "differs:" << firstDifference(table);
        return false;
    }

    std::unique_ptr<test::CdcRunning> start(const sync::PairSpec &spec)
    {
        return test::CdcRunning::start(
            std::make_unique<sync::CdcExecutor>(spec, *m_world.src, *m_world.dst, *m_world.quarantine));
    }
    // Ends the run: no error, no alert.
    static bool stoppedCleanly(test::CdcRunning &running)
    {
        const sync::RunResult result = running.stop();
        if (!result.error.isEmpty() || !running.alerts.isEmpty())
            qWarning().noquote() << "run ended with" << result.error << running.alerts;
        return result.error.isEmpty() && running.alerts.isEmpty() && result.totals.quarantined == 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        TF_START_LOGICAL_CLUSTER(m_cluster);
        QVERIFY(m_world.open(m_cluster->url(), kSrc, kDst));
        createTables(*m_world.admin);
        for (const QString &schema : { kSrc, kDst })
            sql(QStringLiteral("CREATE TABLE %1.fidelity %2").arg(schema, QString::fromUtf8(fidelity::kColumns)));
    }

    void cleanupTestCase()
    {
        m_world.close();
        m_cluster.reset();
    }

    void changesOnACompositeKey_data()
    {
        QTest::addColumn<QString>("identity");
        QTest::newRow("default") << QStringLiteral("DEFAULT");
        QTest::newRow("full") << QStringLiteral("FULL");
    }

    // Snapshot, then every kind of change on the (id, region) table; the large value of row 7
    // is stored out of line and left unchanged by updates of other columns (sent as 'u').
    void changesOnACompositeKey()
    {
        QFETCH(QString, identity);
        sql(QStringLiteral("TRUNCATE cdc_src.parcel, cdc_dst.parcel, cdc_dst.written"));
        sql(QStringLiteral("ALTER TABLE cdc_src.parcel REPLICA IDENTITY ") + identity);
        const QString big = QStringLiteral("(SELECT string_agg(md5(g::text), '') FROM generate_series(1, 1000) g)");
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) SELECT g, 'r' || (g % 3), 'n' || g "
                           "FROM generate_series(1, 30) g"));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET big = %1 WHERE id IN (7, 8)").arg(big));
        auto running = start(pairSpec(QStringLiteral("key_") + identity.toLower()));
        auto stop = qScopeGuard([&] { running->stop(); }); // on a failure too
        QTRY_COMPARE_WITH_TIMEOUT(value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel")), 30, 30000);
        QVERIFY(sameAsSource(QStringLiteral("parcel")));

        // Inserts (one with a large value), updates of plain columns beside an unchanged TOAST
        // value, of the TOAST value itself, to NULL, of a key column; deletes; one transaction
        // mixing them; the same key changed twice in one transaction.
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name, big) VALUES (100, 'x', 'new', %1), "
                           "(101, 'x', NULL, '')").arg(big));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET name = 'toast kept', version = version + 1 WHERE id = 7"));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET big = big || 'tail', version = version + 1 WHERE id = 8"));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET name = NULL, version = version + 1 WHERE id = 9"));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET region = 'moved', version = version + 1 WHERE id IN (7, 10)"));
        sql(QStringLiteral("DELETE FROM cdc_src.parcel WHERE id IN (3, 100)"));
        sql(QStringLiteral("BEGIN; INSERT INTO cdc_src.parcel (id, region, name) VALUES (102, 'y', 'a'); "
                           "UPDATE cdc_src.parcel SET name = 'b', version = version + 1 WHERE id = 102; "
                           "UPDATE cdc_src.parcel SET name = 'c', version = version + 1 WHERE id = 102; "
                           "UPDATE cdc_src.parcel SET version = version + 1 WHERE id = 8; "
                           "DELETE FROM cdc_src.parcel WHERE id = 11; COMMIT"));
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) VALUES (103, 'z', 'marker')"));
        QTRY_VERIFY_WITH_TIMEOUT(value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE id = 103")) == 1,
                                 30000);
        QVERIFY(sameAsSource(QStringLiteral("parcel")));
        QCOMPARE(value(QStringLiteral("SELECT length(big) FROM cdc_dst.parcel WHERE id = 7")), 32000);
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE id IN (3, 11, 100)")), 0);

        // TRUNCATE follows the delete policy (propagate), then the table fills again.
        sql(QStringLiteral("TRUNCATE cdc_src.parcel"));
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name, big) VALUES (200, 'after', 'x', %1)")
                .arg(big));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET name = 'y', version = version + 1 WHERE id = 200"));
        QTRY_VERIFY_WITH_TIMEOUT(value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE name = 'y'")) == 1,
                                 30000);
        QVERIFY(sameAsSource(QStringLiteral("parcel")));
        stop.dismiss();
        QVERIFY(stoppedCleanly(*running));
        QCOMPARE(duplicates(*m_world.admin), 0);
        sql(QStringLiteral("ALTER TABLE cdc_src.parcel REPLICA IDENTITY DEFAULT"));
        sync::CdcExecutor::dropReplication(m_world.src->url(), QStringLiteral("key_") + identity.toLower());
    }

    void typeFidelityMatrix_data()
    {
        QTest::addColumn<QString>("identity");
        QTest::newRow("default") << QStringLiteral("DEFAULT");
        QTest::newRow("full") << QStringLiteral("FULL");
    }

    // Every row of the type-fidelity matrix streamed (not copied by the snapshot), updated in a
    // column beside them (every other value sent again as text), and half of it deleted (under
    // DEFAULT the delete carries only the key: text, a microsecond timestamptz at odd offsets,
    // 40-digit numerics).
    void typeFidelityMatrix()
    {
        QFETCH(QString, identity);
        sql(QStringLiteral("TRUNCATE cdc_src.fidelity, cdc_dst.fidelity"));
        sql(QStringLiteral("ALTER TABLE cdc_src.fidelity REPLICA IDENTITY ") + identity);
        const QString pairId = QStringLiteral("fid_") + identity.toLower();
        auto running = start(fidelitySpec(pairId));
        auto stop = qScopeGuard([&] { running->stop(); }); // on a failure too
        QTRY_VERIFY_WITH_TIMEOUT(
            value(test::streamingSlotQuery(QStringLiteral("tf_pair_") + pairId))
                == 1,
            30000);
        sql(QStringLiteral("INSERT INTO cdc_src.fidelity VALUES %1").arg(QString::fromUtf8(fidelity::kRows)));
        const qint64 rows = value(QStringLiteral("SELECT count(*) FROM cdc_src.fidelity"));
        QVERIFY(rows >= 19);
        QTRY_VERIFY_WITH_TIMEOUT(value(QStringLiteral("SELECT count(*) FROM cdc_dst.fidelity")) == rows, 30000);
        QVERIFY(sameAsSource(QStringLiteral("fidelity")));

        sql(QStringLiteral("UPDATE cdc_src.fidelity SET \"Note\" = 'updated ' || \"Case Name\", "
                           "updated_at = updated_at + interval '1 microsecond'"));
        QTRY_VERIFY_WITH_TIMEOUT(
            value(QStringLiteral("SELECT count(*) FROM cdc_dst.fidelity WHERE \"Note\" LIKE 'updated %'")) == rows,
            30000);
        QVERIFY(sameAsSource(QStringLiteral("fidelity")));

        sql(QStringLiteral("DELETE FROM cdc_src.fidelity WHERE \"Amount\" > 8 OR \"Case Name\" IN ('odd offsets', '')"));
        const qint64 left = value(QStringLiteral("SELECT count(*) FROM cdc_src.fidelity"));
        QVERIFY(left > 0 && left < rows);
        QTRY_VERIFY_WITH_TIMEOUT(value(QStringLiteral("SELECT count(*) FROM cdc_dst.fidelity")) == left, 30000);
        QVERIFY(sameAsSource(QStringLiteral("fidelity")));
        stop.dismiss();
        QVERIFY(stoppedCleanly(*running));
        sql(QStringLiteral("ALTER TABLE cdc_src.fidelity REPLICA IDENTITY DEFAULT"));
        sync::CdcExecutor::dropReplication(m_world.src->url(), pairId);
    }
};

QTEST_GUILESS_MAIN(TestCdcExecMatrix)
#include "tst_cdcexecmatrix.moc"
