// Verify and repair as a tf-syncd operation (issue 11), over real loopback HTTP on a SQLite
// control database with the demo PACS -> CAMA property pair: POST /sync-pairs/{id}/verify
// queues a verify (202), a second POST joins it, a run holding the pair gives 409, bad bodies
// 422 and an unknown pair 404. A worker (OperationExecutor, as tf-syncd runs it) reports
// exactly the rows changed in the target behind the engine's back, in the operation's result
// and log, and raises "Sync drift detected on pair N"; {"repair": true} writes them and
// verifies again; verify_schedule queues a verify when due (PairScheduler).
#include "db/repositories/operationrepository.h"
#include "sync/queue/operationqueue.h"
#include "syncd/scheduler/pairscheduler.h"
#include "syncd/workers/activeoperations.h"
#include "syncd/workers/operationexecutor.h"
#include "tst_syncapi_fixture.h"

using namespace tf;
using namespace tf::test;

class TestVerifyApi final : public QObject
{
    Q_OBJECT

private:
    SyncApiFixture m_api;
    qint64 m_pair = 0;
    QStringList m_alerts;
    QList<qint64> m_alertPairs; // details.pair_id of each alert

    qint64 create(const QString &path, const QJsonObject &body) { return m_api.create(path, body); }


    // What a tf-syncd worker does: claim the next operation and execute it.
    qint64 work()
    {
        sync::OperationQueue queue(m_api.control());
        const auto claimed = queue.claim(QStringLiteral("verify-worker"), std::chrono::seconds(60));
        if (!claimed)
            return 0;
        syncd::ActiveOperations active;
        std::atomic_bool stopping { false };
        syncd::OperationExecutor executor({ m_api.control(), m_api.secrets(), QStringLiteral("verify-worker"),
                                            syncd::WorkerSettings {}, active, stopping,
                                            [this](const QString &rule, const QString &message,
                                                   const QJsonObject &details) {
                                                m_alerts << rule + QStringLiteral(": ") + message;
                                                m_alertPairs << details.value(QStringLiteral("pair_id")).toInteger();
                                            } });
        executor.run(*claimed);
        return claimed->id;
    }

    void cama(const QString &statement)
    {
        db::Database cama(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + m_api.camaPath()));
        cama.execDirect(statement, "changing the target behind the engine");
        cama.closeThreadConnection();
    }

    QString camaKey(const QString &orderBy)
    {
        db::Database cama(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + m_api.camaPath()));
        QSqlQuery query = cama.prepare(QStringLiteral("SELECT source_id FROM cama_property ORDER BY ") + orderBy
                                       + QStringLiteral(" LIMIT 1"));
        cama.exec(query, "reading a key");
        const QString key = query.next() ? query.value(0).toString() : QString();
        query.finish();
        cama.closeThreadConnection();
        return key;
    }

    QJsonObject operation(qint64 id)
    {
        return m_api.call("GET", QStringLiteral("/sync-operations/%1").arg(id)).json();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_api.start(m_api.controlUrl(Backend::Sqlite)), "the control database did not open");
        m_api.makeDemoSystems(60);
        const qint64 pacs = create(QStringLiteral("/systems"), SyncApiFixture::sqliteSystem(QStringLiteral("PACS"), m_api.pacsPath()));
        const qint64 camaSystem
            = create(QStringLiteral("/systems"), SyncApiFixture::sqliteSystem(QStringLiteral("CAMA"), m_api.camaPath()));
        QJsonObject pair = SyncApiFixture::demoPair(QStringLiteral("property"), pacs, camaSystem);
        pair.insert(QStringLiteral("verify_schedule"), QStringLiteral("*/5 * * * *"));
        m_pair = create(QStringLiteral("/sync-pairs"), pair);
        QVERIFY(m_pair > 0);
        // The stored definition keeps the verify schedule.
        QCOMPARE(m_api.call("GET", QStringLiteral("/sync-pairs/%1").arg(m_pair))
                     .json()
                     .value(QStringLiteral("definition"))
                     .toObject()
                     .value(QStringLiteral("verify_schedule"))
                     .toString(),
                 QStringLiteral("*/5 * * * *"));
        const HttpResult start = m_api.call("POST", QStringLiteral("/sync/%1/start").arg(m_pair), QJsonObject {});
        QCOMPARE(start.status, 202);
        QVERIFY(work() > 0);
    }

    void cleanupTestCase() { m_api.stop(); }

    void badInputIsRefused()
    {
        QCOMPARE(m_api.call("POST", QStringLiteral("/sync-pairs/999999/verify"), QJsonObject {}).status, 404);
        const HttpResult wrongType = m_api.call("POST", QStringLiteral("/sync-pairs/%1/verify").arg(m_pair),
                                                QJsonObject { { QStringLiteral("repair"), QStringLiteral("yes") } });
        QCOMPARE(wrongType.status, 422);
        QVERIFY2(wrongType.body.contains("repair"), wrongType.body.constData());
        const HttpResult unknown = m_api.call("POST", QStringLiteral("/sync-pairs/%1/verify").arg(m_pair),
                                              QJsonObject { { QStringLiteral("entity"), 1 } });
        QCOMPARE(unknown.status, 422);
        QVERIFY2(unknown.body.contains("entity"), unknown.body.constData());
        QCOMPARE(m_api.call("GET", QStringLiteral("/sync-operations?pair_id=%1&status=queued").arg(m_pair))
                     .json()
                     .value(QStringLiteral("items"))
                     .toArray()
                     .size(),
                 0); // nothing was queued by the refused requests
    }

    void verifyReportsDriftAndRaisesTheAlert()
    {
        const QString changed = camaKey(QStringLiteral("source_id"));
        const QString deleted = camaKey(QStringLiteral("source_id DESC"));
        QVERIFY(!changed.isEmpty() && !deleted.isEmpty() && changed != deleted);
        cama(QStringLiteral("UPDATE cama_property SET city = 'Nowhere' WHERE source_id = '%1'").arg(changed));
        cama(QStringLiteral("DELETE FROM cama_property WHERE source_id = '%1'").arg(deleted));

        const HttpResult first = m_api.call("POST", QStringLiteral("/sync-pairs/%1/verify").arg(m_pair), QJsonObject {});
        QCOMPARE(first.status, 202);
        const qint64 id = first.json().value(QStringLiteral("id")).toInteger();
        QCOMPARE(first.json().value(QStringLiteral("mode")).toString(), QStringLiteral("verify"));
        QCOMPARE(first.json().value(QStringLiteral("dry_run")).toBool(), true);
        // A second request joins the queued verify.
        const HttpResult again = m_api.call("POST", QStringLiteral("/sync-pairs/%1/verify").arg(m_pair), QJsonObject {});
        QCOMPARE(again.status, 202);
        QCOMPARE(again.json().value(QStringLiteral("id")).toInteger(), id);

        m_alerts.clear();
        m_alertPairs.clear();
        QCOMPARE(work(), id);
        const QJsonObject done = operation(id);
        QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        const QJsonObject report = done.value(QStringLiteral("statistics")).toObject().value(QStringLiteral("verify")).toObject();
        QCOMPARE(report.value(QStringLiteral("differences")).toInteger(), 2);
        const QJsonObject entity = report.value(QStringLiteral("entities")).toArray().at(0).toObject();
        QCOMPARE(entity.value(QStringLiteral("method")).toString(), QStringLiteral("merge"));
        QCOMPARE(entity.value(QStringLiteral("missing_keys")).toArray().at(0).toString(), deleted);
        const QJsonObject different = entity.value(QStringLiteral("different_keys")).toArray().at(0).toObject();
        QCOMPARE(different.value(QStringLiteral("key")).toString(), changed);
        QCOMPARE(different.value(QStringLiteral("columns")).toArray().at(0).toString(), QStringLiteral("city"));
        QVERIFY(entity.value(QStringLiteral("invalid")).toInteger() >= 3); // the demo's broken rows
        // The alert of the runbook, and the operation's log.
        QCOMPARE(m_alerts.size(), 1);
        QVERIFY2(m_alerts.first().startsWith(QStringLiteral("sync_drift: Sync drift detected on pair %1:").arg(m_pair)),
                 qPrintable(m_alerts.first()));
        QCOMPARE(m_alertPairs, QList<qint64> { m_pair }); // closed when the pair is deleted
        const QStringList log = done.value(QStringLiteral("log")).toVariant().toStringList();
        QVERIFY2(log.filter(QStringLiteral("verify property (merge): 1 missing, 0 extra, 1 different")).size() == 1,
                 qPrintable(log.join(QLatin1Char('\n'))));
    }

    void aRunningOperationHoldsThePair()
    {
        db::OperationRepository operations(m_api.control());
        const qint64 running = operations.start(m_pair, QStringLiteral("hash"), false, QStringLiteral("cli"),
                                                QStringLiteral("someone-else"));
        const HttpResult busy = m_api.call("POST", QStringLiteral("/sync-pairs/%1/verify").arg(m_pair), QJsonObject {});
        QCOMPARE(busy.status, 409);
        QVERIFY2(busy.body.contains(QByteArray::number(running)), busy.body.constData());
        operations.finish(running, QStringLiteral("completed"), {}, {});
    }

    void repairWritesTheDifferencesAndVerifiesAgain()
    {
        const HttpResult start = m_api.call("POST", QStringLiteral("/sync-pairs/%1/verify").arg(m_pair),
                                            QJsonObject { { QStringLiteral("repair"), true } });
        QCOMPARE(start.status, 202);
        QCOMPARE(start.json().value(QStringLiteral("mode")).toString(), QStringLiteral("repair"));
        m_alerts.clear();
        m_alertPairs.clear();
        const qint64 id = work();
        QCOMPARE(id, start.json().value(QStringLiteral("id")).toInteger());
        const QJsonObject report
            = operation(id).value(QStringLiteral("statistics")).toObject().value(QStringLiteral("verify")).toObject();
        QCOMPARE(report.value(QStringLiteral("differences")).toInteger(), 2);
        QCOMPARE(report.value(QStringLiteral("repaired")).toBool(), true);
        QCOMPARE(report.value(QStringLiteral("differences_after_repair")).toInteger(), 0);
        QVERIFY2(m_alerts.isEmpty(), qPrintable(m_alerts.join(QLatin1Char('\n'))));

        QCOMPARE(m_api.call("POST", QStringLiteral("/sync-pairs/%1/verify").arg(m_pair), QJsonObject {}).status, 202);
        const qint64 check = work();
        QCOMPARE(operation(check).value(QStringLiteral("statistics")).toObject().value(QStringLiteral("verify"))
                     .toObject().value(QStringLiteral("differences")).toInteger(), 0);
    }

    void verifyScheduleQueuesAVerifyWhenDue()
    {
        DatabaseState unused(QStringLiteral("sqlite://") + m_api.dirPath() + QStringLiteral("/unused.db"), false);
        syncd::PairScheduler scheduler(unused, std::chrono::hours(1));
        scheduler.tick(m_api.control()); // sets the first due times
        QSqlQuery due = m_api.control().prepare(QStringLiteral("UPDATE sync_pairs SET next_verify_at = ? WHERE id = ?"));
        due.addBindValue(m_api.control().dialect().toDb(QDateTime::currentDateTimeUtc().addSecs(-60)));
        due.addBindValue(m_pair);
        m_api.control().exec(due, "making the verify due");
        QCOMPARE(scheduler.tick(m_api.control()), 1);
        const QJsonArray queued = m_api.call("GET", QStringLiteral("/sync-operations?pair_id=%1&status=queued").arg(m_pair))
                                      .json()
                                      .value(QStringLiteral("items"))
                                      .toArray();
        QCOMPARE(queued.size(), 1);
        QCOMPARE(queued.at(0).toObject().value(QStringLiteral("mode")).toString(), QStringLiteral("verify"));
        QCOMPARE(queued.at(0).toObject().value(QStringLiteral("trigger")).toString(), QStringLiteral("schedule"));
        // Due once: the next tick queues nothing more.
        QCOMPARE(scheduler.tick(m_api.control()), 0);
    }
};

QTEST_GUILESS_MAIN(TestVerifyApi)
#include "tst_verify_api.moc"
