// The gateway's admin jobs (services/gateway/jobs): one start rule (the same action joins the
// running job, another of its group is 409 job_running naming it) and jobs kept in the control
// database (admin_jobs) across registries, as across gateway processes, with unfinished ones
// of an earlier process marked interrupted. Real SQLite; the job bodies wait on a semaphore,
// so "still running" is a fact, not a race.
#include "common/databasestate.h"
#include "core/errors.h"
#include "db/repositories/adminjobrepository.h"
#include "gateway/jobs/jobregistry.h"

#include <QJsonObject>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>

using namespace tf;
using gateway::JobRegistry;

class TestJobRegistry final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<DatabaseState> m_database;

    static JobRegistry::Action action(const QString &kind, const QString &signature, const QString &group = QStringLiteral("database"))
    {
        return { kind, signature, group, QStringLiteral("admin"), QStringLiteral("queued") };
    }

    QJsonObject stored(qint64 id) const
    {
        const auto row = db::AdminJobRepository(m_database->database().database()).find(id);
        return row ? QJsonObject { { QStringLiteral("status"), row->status },
                                   { QStringLiteral("code"), row->error.value(QStringLiteral("code")) } }
                   : QJsonObject();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_database = std::make_unique<DatabaseState>(QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("control.db")), true);
        m_database->start(100);
        QTRY_VERIFY_WITH_TIMEOUT(m_database->isOpen(), 10000);
    }

    void theSameStartJoinsAnotherIsRefused()
    {
        JobRegistry jobs(m_database.get());
        QSemaphore release;
        const JobRegistry::Started first = jobs.start(action(QStringLiteral("backup"), QStringLiteral("nightly")),
                                                      [&release](JobRegistry::Context &context) {
                                                          context.progress(0.5, QStringLiteral("half way"));
                                                          release.acquire();
                                                          return QJsonObject { { QStringLiteral("name"), QStringLiteral("b1") } };
                                                      });
        QVERIFY(!first.joined);
        const qint64 id = first.job.value(QStringLiteral("id")).toInteger();
        QVERIFY(id > 0);
        QCOMPARE(first.job.value(QStringLiteral("status")).toString(), QStringLiteral("queued"));
        QVERIFY(first.job.value(QStringLiteral("result")).isNull());
        QVERIFY(first.job.value(QStringLiteral("error")).isNull());
        QVERIFY(first.job.value(QStringLiteral("started_at")).isNull());
        QCOMPARE(first.job.value(QStringLiteral("created_by")).toString(), QStringLiteral("admin"));

        // The same action joins: the same job, no second body.
        bool ran = false;
        const JobRegistry::Started again = jobs.start(action(QStringLiteral("backup"), QStringLiteral("nightly")),
                                                      [&ran](JobRegistry::Context &) { ran = true; return QJsonObject(); });
        QVERIFY(again.joined);
        QCOMPARE(again.job.value(QStringLiteral("id")).toInteger(), id);

        // Another action of the group: 409 job_running naming the job.
        try {
            jobs.start(action(QStringLiteral("restore"), QStringLiteral("b0.sqlite")), [](JobRegistry::Context &) { return QJsonObject(); });
            QFAIL("a restore beside a running backup was started");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::Conflict);
            QCOMPARE(error.code(), QStringLiteral("job_running"));
            QCOMPARE(error.details().value(QStringLiteral("job_id")).toInteger(), id);
        }
        // Outside the group nothing is in the way.
        const JobRegistry::Started other = jobs.start(action(QStringLiteral("restart"), QStringLiteral("sync"), QStringLiteral("services")),
                                                      [](JobRegistry::Context &) { return QJsonObject(); });
        QVERIFY(!other.joined);
        QVERIFY(jobs.waitFor(other.job.value(QStringLiteral("id")).toInteger(), 5000));

        QTRY_COMPARE(jobs.job(id).value(QStringLiteral("status")).toString(), QStringLiteral("running"));
        QCOMPARE(jobs.job(id).value(QStringLiteral("progress")).toDouble(), 0.5);
        release.release();
        QVERIFY(jobs.waitFor(id, 5000));
        QVERIFY(!ran);
        const QJsonObject done = jobs.job(id);
        QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(done.value(QStringLiteral("progress")).toDouble(), 1.0);
        QCOMPARE(done.value(QStringLiteral("result")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("b1"));
        QVERIFY(!done.value(QStringLiteral("finished_at")).isNull());
        // Finished: the next start is a new job.
        const JobRegistry::Started next = jobs.start(action(QStringLiteral("backup"), QStringLiteral("nightly")),
                                                     [](JobRegistry::Context &) -> QJsonObject {
                                                         throw Error(Error::Kind::Unavailable, QStringLiteral("disk gone"));
                                                     });
        QVERIFY(!next.joined);
        QVERIFY(next.job.value(QStringLiteral("id")).toInteger() > id);
        QVERIFY(jobs.waitFor(next.job.value(QStringLiteral("id")).toInteger(), 5000));
        const QJsonObject failed = jobs.job(next.job.value(QStringLiteral("id")).toInteger());
        QCOMPARE(failed.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(failed.value(QStringLiteral("error")).toObject(),
                 (QJsonObject { { QStringLiteral("code"), QStringLiteral("service_unavailable") },
                                { QStringLiteral("message"), QStringLiteral("disk gone") } }));
        // Rows are written on the registry's thread.
        QTRY_COMPARE(stored(id).value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
    }

    void jobsOutliveTheRegistryAndUnfinishedOnesAreInterrupted()
    {
        qint64 id = 0;
        {
            JobRegistry jobs(m_database.get());
            const JobRegistry::Started started = jobs.start(action(QStringLiteral("maintenance"), QStringLiteral("weekly")),
                                                            [](JobRegistry::Context &) { return QJsonObject { { QStringLiteral("run_id"), 4 } }; });
            id = started.job.value(QStringLiteral("id")).toInteger();
            QVERIFY(jobs.waitFor(id, 5000));
            QTRY_COMPARE(stored(id).value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        }
        // A row an earlier process left running.
        db::AdminJobRow left;
        left.id = id + 10;
        left.kind = QStringLiteral("restore");
        left.status = QStringLiteral("running");
        left.createdAt = QDateTime::currentDateTimeUtc();
        db::AdminJobRepository(m_database->database().database()).save(left);

        JobRegistry later(m_database.get()); // the next process
        later.databaseOpened();
        const QJsonObject kept = later.job(id);
        QCOMPARE(kept.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(kept.value(QStringLiteral("result")).toObject().value(QStringLiteral("run_id")).toInt(), 4);
        const QJsonObject interrupted = later.job(id + 10);
        QCOMPARE(interrupted.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(interrupted.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("interrupted"));
        QVERIFY(interrupted.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QLatin1String("gateway restarted")));
        // Listed newest first, filtered, paged by id; new ids follow every id kept.
        const QList<QJsonObject> restores = later.list(QStringLiteral("restore"), QStringLiteral("failed"), 0, 10);
        QCOMPARE(restores.size(), 1);
        QCOMPARE(restores.first().value(QStringLiteral("id")).toInteger(), id + 10);
        QVERIFY(later.list({}, {}, id + 10, 100).first().value(QStringLiteral("id")).toInteger() < id + 10);
        const JobRegistry::Started fresh = later.start(action(QStringLiteral("backup"), QString()),
                                                       [](JobRegistry::Context &) { return QJsonObject(); });
        QCOMPARE(fresh.job.value(QStringLiteral("id")).toInteger(), id + 11);
        QVERIFY(later.waitFor(id + 11, 5000));
        QVERIFY_THROWS_EXCEPTION(Error, later.job(999999));
    }
};

QTEST_GUILESS_MAIN(TestJobRegistry)
#include "tst_jobregistry.moc"
