// The change poller against a real tf-gateway: the first poll asks for a reload, a user
// created through the API arrives as one change, a killed gateway turns the state to
// reconnecting, and a new gateway on the same port and data brings it back to connected.
#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "gatewayfixture.h"

#include <QSignalSpy>
#include <QTest>

using namespace tf;
using console::ChangePoller;
using console::GatewayClient;

class TestChangePoller final : public QObject
{
    Q_OBJECT

private slots:
    void followsTheFeedAndReconnects()
    {
        test::GatewayFixture gateway;
        QVERIFY2(gateway.start(), gateway.output().constData());
        const QByteArray token = gateway.adminToken();
        QVERIFY(!token.isEmpty());

        GatewayClient client { QUrl(gateway.base()) };
        client.setBearerToken(token);
        client.setTimeoutMs(2000);
        ChangePoller poller(&client);
        poller.setInterval(100);
        poller.setBackoff(100, 400);
        QSignalSpy reloads(&poller, &ChangePoller::reloadAll);
        QSignalSpy changes(&poller, &ChangePoller::changed);
        QSignalSpy states(&poller, &ChangePoller::connectionStateChanged);
        QCOMPARE(poller.state(), ChangePoller::ConnectionState::Offline);
        poller.start();
        QVERIFY(reloads.wait(10000)); // no cursor yet: reload everything
        QCOMPARE(poller.state(), ChangePoller::ConnectionState::Connected);
        QVERIFY(poller.lastUpdate().isValid());
        QVERIFY(!poller.cursor().isEmpty());

        QVERIFY(!gateway.userToken(QStringLiteral("watched"), QStringLiteral("viewer")).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(
                [&] {
                    for (const QList<QVariant> &change : std::as_const(changes)) {
                        if (change.at(0).toString() == QLatin1String("user") && change.at(2).toString() == QLatin1String("created"))
                            return true;
                    }
                    return false;
                }(),
                10000);

        gateway.kill();
        QTRY_COMPARE_WITH_TIMEOUT(poller.state(), ChangePoller::ConnectionState::Reconnecting, 10000);
        QVERIFY(poller.failures() >= 1);

        QVERIFY2(gateway.start(), gateway.output().constData());
        QTRY_COMPARE_WITH_TIMEOUT(poller.state(), ChangePoller::ConnectionState::Connected, 15000);
        QVERIFY(states.size() >= 3); // connected, reconnecting (or offline), connected

        poller.stop();
        QCOMPARE(poller.state(), ChangePoller::ConnectionState::Offline);
    }
};

QTEST_GUILESS_MAIN(TestChangePoller)
#include "tst_changepoller.moc"
