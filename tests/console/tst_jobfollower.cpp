// The console's job follower against a real tf-gateway: a backup job started through the API
// is followed to finished(job) with progress reported on the way (polled as Retry-After
// says); an unknown job fails with the gateway's 404; and a gateway that goes away while a
// job is followed (killed, then started again on the same port and data) is waited out:
// connectionLost, then connectionRestored and the job's end, read from the control database.
#include "client/gatewayclient.h"
#include "client/jobfollower.h"
#include "gatewayfixture.h"

#include <QSignalSpy>
#include <QTest>

using namespace tf;
using console::ApiError;
using console::ApiResult;
using console::GatewayClient;
using console::JobFollower;

class TestJobFollower final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(m_gateway.start(), m_gateway.output().constData());
        m_client.setBaseUrl(QUrl(m_gateway.base()));
        m_client.setBearerToken(m_gateway.adminToken());
        QVERIFY(m_client.hasBearerToken());
    }

    void followsABackupToItsEnd()
    {
        ApiResult accepted;
        bool answered = false;
        m_client.post(QStringLiteral("/api/backups"), { { QStringLiteral("label"), QStringLiteral("followed") } }, this,
                      [&](const ApiResult &result) {
                          accepted = result;
                          answered = true;
                      });
        QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
        QCOMPARE(accepted.status, 202);
        QVERIFY(accepted.header("retry-after").toInt() >= 1 || JobFollower::isFinished(accepted.object().value(QStringLiteral("status")).toString()));

        JobFollower follower(&m_client);
        QSignalSpy progress(&follower, &JobFollower::progress);
        QSignalSpy finished(&follower, &JobFollower::finished);
        QSignalSpy failed(&follower, &JobFollower::failed);
        follower.follow(accepted);
        QVERIFY(follower.jobId() > 0);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size() + failed.size(), 1, 60000);
        QCOMPARE(finished.size(), 1);
        const QJsonObject job = finished.first().first().toJsonObject();
        QCOMPARE(job.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QVERIFY2(job.value(QStringLiteral("result")).toObject().value(QStringLiteral("name")).toString().contains(QStringLiteral("followed")),
                 QJsonDocument(job).toJson().constData());
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().first().toDouble(), 1.0);
        QVERIFY(!follower.isActive());
        m_doneJob = follower.jobId();
    }

    void unknownJobFails()
    {
        JobFollower follower(&m_client);
        QSignalSpy failed(&follower, &JobFollower::failed);
        follower.follow(987654);
        QVERIFY(failed.wait(10000));
        const auto error = failed.first().first().value<ApiError>();
        QCOMPARE(error.status, 404);
        QCOMPARE(error.code, QStringLiteral("not_found"));
    }

    void waitsOutAGatewayRestart()
    {
        QVERIFY(m_doneJob > 0);
        m_gateway.kill();
        JobFollower follower(&m_client);
        QSignalSpy lost(&follower, &JobFollower::connectionLost);
        QSignalSpy restored(&follower, &JobFollower::connectionRestored);
        QSignalSpy finished(&follower, &JobFollower::finished);
        QSignalSpy failed(&follower, &JobFollower::failed);
        follower.follow(m_doneJob);
        QVERIFY(lost.wait(10000));
        QTest::qWait(1500); // a few unanswered polls, backing off
        QVERIFY(follower.isActive());
        QVERIFY(failed.isEmpty());
        QVERIFY2(m_gateway.start(), m_gateway.output().constData());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        QCOMPARE(restored.size(), 1);
        QVERIFY(failed.isEmpty());
        QCOMPARE(finished.first().first().toJsonObject().value(QStringLiteral("id")).toInteger(), m_doneJob);
    }

    void givesUpAfterItsLimit()
    {
        m_gateway.kill();
        JobFollower follower(&m_client);
        follower.setGiveUpMs(1000);
        QSignalSpy failed(&follower, &JobFollower::failed);
        follower.follow(m_doneJob);
        QVERIFY(failed.wait(15000));
        QCOMPARE(failed.first().first().value<ApiError>().code, QStringLiteral("unreachable"));
        QVERIFY(!follower.isActive());
    }

private:
    test::GatewayFixture m_gateway;
    GatewayClient m_client;
    qint64 m_doneJob = 0;
};

QTEST_GUILESS_MAIN(TestJobFollower)
#include "tst_jobfollower.moc"
