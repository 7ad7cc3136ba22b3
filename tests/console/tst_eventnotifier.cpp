// EventNotifier against a real tf-gateway supervising tf-syncd (SQLite): the console's own
// MainWindow follows the change feed; an operation that fails and a quarantine that grows
// notify (the notified() signal; the tray itself may be missing offscreen) only while the
// window is hidden and only when the event's switch in Settings → Notifications is on. What
// happened while the window showed, or while the switch was off, never notifies later.
#include "client/changepoller.h"
#include "integration/tst_gatewayproxy_fixture.h"
#include "mainwindow.h"
#include "settings/displaysettings.h"
#include "widgets/eventnotifier.h"

#include <QApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace tf;
using console::DisplaySettings;
using console::EventNotifier;
using console::MainWindow;
using Event = console::DisplaySettings::Event;

class TestEventNotifier final : public QObject, private test::GatewayProxyFixture
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TerraFusionTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_eventnotifier"));
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        makeSourceAndTarget(20, { 3, 7 }); // each run of a good pair quarantines rows 3 and 7
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
        QVERIFY(startGateway(env));
        QVERIFY(!m_authorization.isEmpty());
        m_source = createSqliteSystem(QStringLiteral("source"), QStringLiteral("source.db"));
        m_target = createSqliteSystem(QStringLiteral("target"), QStringLiteral("target.db"));
        QVERIFY(m_source > 0 && m_target > 0);

        m_window = std::make_unique<MainWindow>(QUrl(base()));
        m_window->poller()->setInterval(200);
        m_window->resize(1000, 700);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->useToken(m_authorization.mid(int(qstrlen("Bearer "))));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->poller()->state(),
                                  console::ChangePoller::ConnectionState::Connected, 10000);
        m_notifier = m_window->findChild<EventNotifier *>();
        QVERIFY(m_notifier);
        QTRY_VERIFY_WITH_TIMEOUT(m_notifier->hasBaseline(), 10000);
        QCOMPARE(m_notifier->openQuarantine(), qint64(0));
    }

    void failedOperationNotifiesOnlyWhenHiddenAndSwitchedOn()
    {
        QSignalSpy notified(m_notifier, &EventNotifier::notified);
        DisplaySettings *display = DisplaySettings::instance();
        QVERIFY(display->notifies(Event::OperationFailed)); // on by default

        // Seen while the window shows: never notified.
        const qint64 whileShown = runFailing(QStringLiteral("broken shown"));
        QVERIFY(whileShown > 0);
        QTRY_VERIFY_WITH_TIMEOUT(m_notifier->knowsFailure(whileShown), 10000);
        // Hidden, but the switch off: not notified either.
        m_window->hide();
        display->setNotifies(Event::OperationFailed, false);
        const qint64 whileOff = runFailing(QStringLiteral("broken off"));
        QVERIFY(whileOff > 0);
        QTRY_VERIFY_WITH_TIMEOUT(m_notifier->knowsFailure(whileOff), 10000);
        QCOMPARE(count(notified, Event::OperationFailed), 0);

        // Hidden and switched on: this one, and only this one.
        display->setNotifies(Event::OperationFailed, true);
        const qint64 notifiedOne = runFailing(QStringLiteral("broken on"));
        QVERIFY(notifiedOne > 0);
        QTRY_COMPARE_WITH_TIMEOUT(count(notified, Event::OperationFailed), 1, 10000);
        const QList<QVariant> args = first(notified, Event::OperationFailed);
        QCOMPARE(args.at(1).toString(), QStringLiteral("1 operation(s) failed"));
        const QString text = args.at(2).toString();
        QVERIFY2(text.contains(QStringLiteral("Operation %1 ").arg(notifiedOne)), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("Operation %1 ").arg(whileShown)), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("Operation %1 ").arg(whileOff)), qPrintable(text));
        QCOMPARE(count(notified, Event::QuarantineGrew), 0); // a failed run quarantines nothing
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void quarantineGrowthNotifiesOnlyWhenHiddenAndSwitchedOn()
    {
        QSignalSpy notified(m_notifier, &EventNotifier::notified);
        DisplaySettings *display = DisplaySettings::instance();
        QVERIFY(display->notifies(Event::QuarantineGrew));

        // Grows while the window shows: the total is followed, nothing notified.
        QVERIFY(runGood(QStringLiteral("good shown")) > 0);
        QTRY_COMPARE_WITH_TIMEOUT(m_notifier->openQuarantine(), openQuarantine(), 10000);
        QVERIFY(m_notifier->openQuarantine() > 0);
        // Hidden with the switch off: followed, not notified.
        m_window->hide();
        display->setNotifies(Event::QuarantineGrew, false);
        QVERIFY(runGood(QStringLiteral("good off")) > 0);
        const qint64 before = openQuarantine();
        QTRY_COMPARE_WITH_TIMEOUT(m_notifier->openQuarantine(), before, 10000);
        QCOMPARE(count(notified, Event::QuarantineGrew), 0);

        // Hidden and switched on: the growth of this run only.
        display->setNotifies(Event::QuarantineGrew, true);
        QVERIFY(runGood(QStringLiteral("good on")) > 0);
        const qint64 after = openQuarantine();
        QCOMPARE(after - before, qint64(2)); // rows 3 and 7
        QTRY_COMPARE_WITH_TIMEOUT(count(notified, Event::QuarantineGrew), 1, 10000);
        const QList<QVariant> args = first(notified, Event::QuarantineGrew);
        QCOMPARE(args.at(1).toString(), QStringLiteral("2 more row(s) quarantined"));
        QCOMPARE(args.at(2).toString(),
                 QStringLiteral("%1 open quarantined row(s) in all.").arg(after));
        QCOMPARE(count(notified, Event::OperationFailed), 0); // the runs succeeded
        m_window->show();
    }

    void cleanupTestCase() { m_window.reset(); }

private:
    qint64 runFailing(const QString &name)
    {
        // Its source table does not exist: the run fails.
        return run(name, QStringLiteral("no_such_table"), { QStringLiteral("failed") });
    }
    qint64 runGood(const QString &name)
    {
        // Rows 3 and 7 go to quarantine, the others are copied.
        return run(name, QStringLiteral("parcel"),
                   { QStringLiteral("completed"), QStringLiteral("completed_with_errors") });
    }
    qint64 run(const QString &name, const QString &sourceEntity, const QStringList &expected)
    {
        const qint64 pair = create(QStringLiteral("/api/sync-pairs"),
                                   pairBody(name, m_source, m_target, sourceEntity));
        if (pair <= 0)
            return -1;
        const qint64 operation = startOperation({ { QStringLiteral("pair_id"), pair } });
        const QString status
            = waitForOperation(operation, finished).value(QStringLiteral("status")).toString();
        if (!expected.contains(status))
            qWarning("operation %lld of %s: %s", operation, qPrintable(name), qPrintable(status));
        return expected.contains(status) ? operation : -1;
    }
    qint64 openQuarantine()
    {
        return api("GET", QStringLiteral("/api/quarantine/summary"))
            .json()
            .value(QStringLiteral("open"))
            .toInteger(-1);
    }
    static int count(const QSignalSpy &spy, Event event)
    {
        int n = 0;
        for (const QList<QVariant> &args : spy)
            n += args.at(0).value<Event>() == event ? 1 : 0;
        return n;
    }
    static QList<QVariant> first(const QSignalSpy &spy, Event event)
    {
        for (const QList<QVariant> &args : spy) {
            if (args.at(0).value<Event>() == event)
                return args;
        }
        return {};
    }

    std::unique_ptr<MainWindow> m_window;
    EventNotifier *m_notifier = nullptr;
    qint64 m_source = 0;
    qint64 m_target = 0;
};

QTEST_MAIN(TestEventNotifier)
#include "tst_eventnotifier.moc"
