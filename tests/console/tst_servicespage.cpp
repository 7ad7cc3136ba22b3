// The Services page against a real tf-gateway supervising a real tf-syncd: both services with
// pid, uptime, version and restarts in 24 h, and the recent service events; Restart tf-syncd
// asks first and is followed until a new tf-syncd answers; restarts at the runbook's threshold
// (3 in 24 h) are highlighted; Restart Gateway is followed through the gateway's re-exec until
// the console has reconnected and says so; a viewer and an auditor find both restarts disabled;
// three more tf-syncd nodes on the same control database (one running, one killed: stale, one
// stopped cleanly) are rows of their own with their status colour, heartbeat age and a tooltip
// saying why they cannot be restarted from here.
// Screenshots (light and dark) go to <build>/console-screenshots/.
#include "adminpagefixture.h"
#include "integration/tst_nodes_cluster.h"
#include "models/servicesmodel.h"
#include "pages/servicespage.h"
#include "screenshots.h"
#include "widgets/errorbanner.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QColor>
#include <QFont>
#include <QHeaderView>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTimer>

using namespace tf;
using console::ServiceEventsModel;
using console::ServicesModel;
using console::ServicesPage;

class TestServicesPage final : public QObject, public test::AdminPageFixture<ServicesPage>
{
    Q_OBJECT

private slots:
    void initTestCase();
    void listsServicesAndEvents();
    void restartOfTfSyncdIsFollowedUntilBack();
    void restartsAtTheThresholdAreHighlighted();
    void gatewayRestartReconnectsByItself();
    void viewerAndAuditorCannotRestart();
    void showsEveryNode();
    void cleanupTestCase();

private:
    // Answers the next confirmation with Yes and returns its text through `question`.
    void acceptConfirmation(QTimer &timer, QString &question)
    {
        timer.setInterval(50);
        connect(&timer, &QTimer::timeout, this, [&] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                question = box->text();
                box->button(QMessageBox::Yes)->click();
            }
        });
        timer.start();
    }
    QJsonObject syncRow() const { return m_page->model()->service(QStringLiteral("sync")); }
    bool restartSyncThroughApi()
    {
        const test::HttpResult accepted = api("POST", QStringLiteral("/api/services/sync/restart"));
        if (accepted.status != 202)
            return false;
        const QString id = QString::number(accepted.json().value(QStringLiteral("id")).toInteger());
        QDeadlineTimer deadline(60000);
        bool completed = false;
        while (!deadline.hasExpired() && !completed) {
            const QString status = api("GET", QStringLiteral("/api/jobs/") + id).json().value(QStringLiteral("status")).toString();
            if (status == QLatin1String("failed"))
                return false;
            completed = status == QLatin1String("completed");
            if (!completed)
                QTest::qWait(100);
        }
        // The job ends when the new tf-syncd answers; the supervisor records "restarted" when its
        // own probe sees it, and a restart requested before that would go uncounted.
        while (!deadline.hasExpired()) {
            const QJsonArray items = api("GET", QStringLiteral("/api/services")).json().value(QStringLiteral("items")).toArray();
            for (const QJsonValue &item : items)
                if (item.toObject().value(QStringLiteral("name")).toString() == QLatin1String("sync")
                    && item.toObject().value(QStringLiteral("state")).toString() == QLatin1String("running"))
                    return completed;
            QTest::qWait(100);
        }
        return false;
    }

    std::unique_ptr<QAbstractItemModelTester> m_servicesTester;
    std::unique_ptr<QAbstractItemModelTester> m_eventsTester;
};

void TestServicesPage::initTestCase()
{
    QVERIFY(setUpAdminPage(QStringLiteral("tst_servicespage"), QStringLiteral("services:restart")));
    using Mode = QAbstractItemModelTester::FailureReportingMode;
    m_servicesTester = std::make_unique<QAbstractItemModelTester>(m_page->model(), Mode::QtTest);
    m_eventsTester = std::make_unique<QAbstractItemModelTester>(m_page->events(), Mode::QtTest);
    QVERIFY(showPage(1100, 560));
}

void TestServicesPage::listsServicesAndEvents()
{
    // The supervisor says running once its own probe has seen tf-syncd answer.
    QTRY_VERIFY_WITH_TIMEOUT(
            (m_page->refresh(), QTest::qWait(200), syncRow().value(QStringLiteral("state")).toString() == QLatin1String("running")),
            15000);
    QCOMPARE(m_page->model()->rowCount(), 2);
    const QJsonObject gateway = m_page->model()->service(QStringLiteral("gateway"));
    QCOMPARE(gateway.value(QStringLiteral("pid")).toInteger(), m_gateway->pid());
    const int row = m_page->model()->rowOfKey(QStringLiteral("sync"));
    QCOMPARE(m_page->model()->index(row, ServicesModel::ServiceColumn).data().toString(), QStringLiteral("tf-syncd"));
    QCOMPARE(m_page->model()->index(row, ServicesModel::StatusColumn).data().toString(), QStringLiteral("running"));
    QVERIFY(m_page->model()->index(row, ServicesModel::PidColumn).data().toLongLong() > 0);
    QVERIFY(!m_page->model()->index(row, ServicesModel::UptimeColumn).data().toString().isEmpty());
    QVERIFY(!m_page->model()->index(row, ServicesModel::VersionColumn).data().toString().isEmpty());
    QCOMPARE(m_page->model()->index(row, ServicesModel::RestartsColumn).data().toInt(), 0);
    QVERIFY(!m_page->model()->index(row, ServicesModel::RestartsColumn).data(Qt::BackgroundRole).isValid());
    QTRY_VERIFY_WITH_TIMEOUT(m_page->events()->rowCount() > 0, 5000);
    QStringList events;
    for (int r = 0; r < m_page->events()->rowCount(); ++r)
        events << m_page->events()->index(r, ServiceEventsModel::EventColumn).data().toString();
    QVERIFY2(events.contains(QStringLiteral("started")), qPrintable(events.join(u',')));
    QVERIFY(test::saveScreenshots(m_page.get(), QStringLiteral("services-page")));
}

void TestServicesPage::restartOfTfSyncdIsFollowedUntilBack()
{
    const qint64 before = syncRow().value(QStringLiteral("pid")).toInteger();
    QVERIFY(before > 0);
    QString question;
    QTimer accept;
    acceptConfirmation(accept, question);
    QSignalSpy back(m_page.get(), &ServicesPage::serviceBack);
    m_page->restartSyncAction()->trigger();
    QVERIFY2(question.contains(QStringLiteral("Restart tf-syncd")), qPrintable(question));
    QVERIFY(!m_page->restartSyncAction()->isEnabled()); // one restart at a time
    QVERIFY(back.wait(90000));
    accept.stop();
    QCOMPARE(back.first().at(0).toString(), QStringLiteral("sync"));
    QVERIFY2(back.first().at(1).toBool(), qPrintable(m_page->statusText()));
    const qint64 after = syncRow().value(QStringLiteral("pid")).toInteger();
    QVERIFY(after > 0 && after != before);
    QVERIFY2(m_page->statusText().contains(QString::number(after)), qPrintable(m_page->statusText()));
    QVERIFY(m_page->restartSyncAction()->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT((m_page->refresh(), QTest::qWait(200),
                               syncRow().value(QStringLiteral("restarts_24h")).toInt()), 1, 10000);
}

void TestServicesPage::restartsAtTheThresholdAreHighlighted()
{
    QVERIFY(restartSyncThroughApi());
    QVERIFY(restartSyncThroughApi());
    QTRY_COMPARE_WITH_TIMEOUT((m_page->refresh(), QTest::qWait(200),
                               syncRow().value(QStringLiteral("restarts_24h")).toInt()), ServicesModel::RestartThreshold, 20000);
    const int row = m_page->model()->rowOfKey(QStringLiteral("sync"));
    const QModelIndex restarts = m_page->model()->index(row, ServicesModel::RestartsColumn);
    QVERIFY(restarts.data(Qt::BackgroundRole).isValid());
    QVERIFY(restarts.data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(restarts.data(Qt::ToolTipRole).toString().contains(QStringLiteral("threshold")));
    const QModelIndex gatewayRestarts = m_page->model()->index(m_page->model()->rowOfKey(QStringLiteral("gateway")),
                                                               ServicesModel::RestartsColumn);
    QVERIFY(!gatewayRestarts.data(Qt::BackgroundRole).isValid());
    // The events read newest first.
    const QAbstractItemModel *shown = m_page->findChild<QTableView *>(QStringLiteral("serviceEventsTable"))->model();
    QTRY_VERIFY_WITH_TIMEOUT(shown->rowCount() >= 6, 5000);
    for (int r = 1; r < shown->rowCount(); ++r)
        QVERIFY(shown->index(r - 1, 0).data(ServiceEventsModel::IdRole).toLongLong()
                > shown->index(r, 0).data(ServiceEventsModel::IdRole).toLongLong());
    QVERIFY(test::saveScreenshots(m_page.get(), QStringLiteral("services-page-threshold")));
}

void TestServicesPage::gatewayRestartReconnectsByItself()
{
    const qint64 pid = m_gateway->pid();
    QString question;
    QTimer accept;
    acceptConfirmation(accept, question);
    QSignalSpy back(m_page.get(), &ServicesPage::serviceBack);
    bool bannerShot = false;
    connect(m_page.get(), &ServicesPage::connectionDropped, this, [&] {
        QVERIFY(m_page->banner()->isVisible());
        bannerShot = test::saveScreenshots(m_page.get(), QStringLiteral("services-page-reconnecting"));
    });
    m_page->restartGatewayAction()->trigger();
    QVERIFY2(question.contains(QStringLiteral("reconnects")), qPrintable(question));
    QVERIFY(back.wait(90000));
    accept.stop();
    QCOMPARE(back.first().at(0).toString(), QStringLiteral("gateway"));
    QVERIFY2(back.first().at(1).toBool(), qPrintable(m_page->statusText()));
    QVERIFY2(m_page->statusText().startsWith(QStringLiteral("Reconnected")), qPrintable(m_page->statusText()));
    QVERIFY(!m_page->banner()->isVisible());
    QCOMPARE(m_gateway->pid(), pid); // re-executed in place
    const QJsonObject gateway = m_page->model()->service(QStringLiteral("gateway"));
    QCOMPARE(gateway.value(QStringLiteral("pid")).toInteger(), pid);
    QVERIFY(gateway.value(QStringLiteral("uptime_s")).toDouble() < 30);
    // The gateway's restart is counted like tf-syncd's.
    QTRY_COMPARE_WITH_TIMEOUT((m_page->refresh(), QTest::qWait(200),
                               m_page->model()->service(QStringLiteral("gateway")).value(QStringLiteral("restarts_24h")).toInt()),
                              1, 10000);
    qInfo("connection drop seen by the page: %s", bannerShot ? "yes (screenshot saved)" : "no (the re-exec was quicker than a poll)");
    QVERIFY(test::saveScreenshots(m_page.get(), QStringLiteral("services-page-reconnected")));
}

void TestServicesPage::viewerAndAuditorCannotRestart()
{
    for (const char *role : { "viewer", "auditor" }) {
        const QJsonObject me = meOfNewUser(QStringLiteral("services-") + QLatin1String(role), QLatin1String(role));
        QCOMPARE(me.value(QStringLiteral("role")).toString(), QLatin1String(role));
        m_permissions->setFromMe(me);
        for (QAction *action : { m_page->restartSyncAction(), m_page->restartGatewayAction() }) {
            QVERIFY2(!action->isEnabled(), qPrintable(action->objectName()));
            QVERIFY2(action->toolTip().contains(QStringLiteral("admin")), qPrintable(action->toolTip()));
        }
    }
    m_permissions->setFromMe(m_adminMe);
    QVERIFY(m_page->restartSyncAction()->isEnabled());
}

void TestServicesPage::showsEveryNode()
{
    // Three more tf-syncd nodes on the gateway's control database, running nothing, with a
    // short heartbeat so that the killed one turns stale quickly.
    constexpr int heartbeatMs = 300;
    NodeCluster cluster(QStringLiteral("sqlite://") + dataDir() + QStringLiteral("/terrafusion.db"),
                        { { QStringLiteral("workers"), QStringLiteral("0") }, { QStringLiteral("scheduler"), QStringLiteral("false") } });
    cluster.setNodeVariable(QStringLiteral("TF_NODE__HEARTBEAT_MS"), QString::number(heartbeatMs));
    cluster.setNodeVariable(QStringLiteral("TF_MAINTENANCE__ENABLED"), QStringLiteral("false"));
    for (int index : { 1, 2, 3 })
        QVERIFY2(cluster.startNode(index), qPrintable(cluster.logs()));
    cluster.node(2).kill();
    QVERIFY(cluster.node(2).waitFinished(10000));
    cluster.node(3).terminate();
    QVERIFY(cluster.node(3).waitFinished(10000));
    auto statusOf = [this](const QString &name) {
        return m_page->model()->service(name).value(QStringLiteral("status")).toString();
    };
    QTRY_VERIFY_WITH_TIMEOUT((refreshPage(), statusOf(QStringLiteral("tf-syncd@node-2")) == QLatin1String("stale")),
                             3 * heartbeatMs + 10000);
    QCOMPARE(m_page->model()->rowCount(), 5);
    QCOMPARE(statusOf(QStringLiteral("tf-syncd@node-1")), QStringLiteral("running"));
    QCOMPARE(statusOf(QStringLiteral("tf-syncd@node-3")), QStringLiteral("stopped"));
    QCOMPARE(statusOf(QStringLiteral("gateway")), QStringLiteral("running"));
    QCOMPARE(statusOf(QStringLiteral("sync")), QStringLiteral("running"));

    ServicesModel *model = m_page->model();
    auto cell = [model](const QString &name, int column) { return model->index(model->rowOfKey(name), column); };
    // Every status its own colour, drawn as the cell's decoration.
    QCOMPARE(cell(QStringLiteral("tf-syncd@node-1"), ServicesModel::StatusColumn).data(Qt::DecorationRole).value<QColor>(),
             ServicesModel::statusColour(QStringLiteral("running")));
    const QColor stale = cell(QStringLiteral("tf-syncd@node-2"), ServicesModel::StatusColumn).data(Qt::DecorationRole).value<QColor>();
    const QColor stopped = cell(QStringLiteral("tf-syncd@node-3"), ServicesModel::StatusColumn).data(Qt::DecorationRole).value<QColor>();
    QCOMPARE(stale, ServicesModel::statusColour(QStringLiteral("stale")));
    QCOMPARE(stopped, ServicesModel::statusColour(QStringLiteral("stopped")));
    QVERIFY(stale != stopped && stale != ServicesModel::statusColour(QStringLiteral("running")));
    QVERIFY(cell(QStringLiteral("tf-syncd@node-2"), ServicesModel::StatusColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("died")));
    // The heartbeat's age, the host and the node.
    QVERIFY(cell(QStringLiteral("tf-syncd@node-1"), ServicesModel::HeartbeatColumn).data().toString().endsWith(QStringLiteral("ago")));
    QVERIFY(!cell(QStringLiteral("tf-syncd@node-1"), ServicesModel::HostColumn).data().toString().isEmpty());
    QCOMPARE(cell(QStringLiteral("tf-syncd@node-1"), ServicesModel::NodeColumn).data().toString(), QStringLiteral("node-1"));
    // Only this gateway and its tf-syncd restart from here; the other rows say why not.
    for (const char *name : { "tf-syncd@node-1", "tf-syncd@node-2", "tf-syncd@node-3" }) {
        const QString why = cell(QLatin1String(name), ServicesModel::ServiceColumn).data(Qt::ToolTipRole).toString();
        QVERIFY2(why.contains(QStringLiteral("restart it where it runs")), qPrintable(why));
    }
    for (const char *name : { "gateway", "sync" })
        QVERIFY(!cell(QLatin1String(name), ServicesModel::ServiceColumn).data(Qt::ToolTipRole).isValid());
    // All five rows are shown without scrolling.
    const auto *table = m_page->findChild<QTableView *>(QStringLiteral("servicesTable"));
    QVERIFY(table->viewport()->height() >= 5 * table->verticalHeader()->defaultSectionSize());
    QVERIFY(test::saveScreenshots(m_page.get(), QStringLiteral("services-page-nodes")));
}

void TestServicesPage::cleanupTestCase()
{
    m_servicesTester.reset();
    m_eventsTester.reset();
    tearDownAdminPage();
}

QTEST_MAIN(TestServicesPage)
#include "tst_servicespage.moc"
