// The gateway going away while a page other than the Overview is open: a real tf-syncd and a
// real tf-gateway (not supervising it, so killing the gateway leaves tf-syncd and its data
// alone) on one data directory, 60 sync pairs, the Sync Pairs page with two pairs selected
// and the table scrolled. The gateway is killed (SIGKILL): the banner shows, the page stays.
// A new gateway on the same port: the console reconnects by itself, the banner goes, and the
// page, the selection and the scroll position are as they were.
#include "screenshots.h"
#include "client/changepoller.h"
#include "integration/tst_gatewayproxy_fixture.h"
#include "mainwindow.h"
#include "models/resourcefiltermodel.h"
#include "models/session.h"
#include "models/syncpairsmodel.h"
#include "pages/syncpairspage.h"
#include "settings/displaysettings.h"
#include "widgets/errorbanner.h"

#include <QApplication>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace tf;
using console::ChangePoller;
using console::DisplaySettings;
using console::MainWindow;
using console::SyncPairsPage;

class TestGatewayOutage final : public QObject, private test::GatewayProxyFixture
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TerraFusionTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_gatewayoutage"));
        QSettings().clear();
        DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
        QVERIFY(m_dir.isValid());
        makeSourceAndTarget(5, {});
        m_port = test::freePort();
        m_syncPort = test::freePort();
        m_syncd = std::make_unique<test::ServiceProcess>(
                test::binary(QStringLiteral("tf-syncd")),
                QStringList { QStringLiteral("--port"), QString::number(m_syncPort), QStringLiteral("--data-dir"), dataDir() });
        QVERIFY(m_syncd->start());
        QVERIFY(m_syncd->waitHealthy(syncBase() + QStringLiteral("/health/ready"), 20000));
        QVERIFY(startOwnGateway());
        m_authorization = test::gatewayAdminAuthorization(base(), dataDir());
        QVERIFY(!m_authorization.isEmpty());

        const qint64 source = createSqliteSystem(QStringLiteral("source"), QStringLiteral("source.db"));
        const qint64 target = createSqliteSystem(QStringLiteral("target"), QStringLiteral("target.db"));
        QVERIFY(source > 0 && target > 0);
        for (int i = 1; i <= 60; ++i) {
            m_pairs << create(QStringLiteral("/api/sync-pairs"),
                              pairBody(QStringLiteral("pair %1").arg(i, 2, 10, QLatin1Char('0')), source, target, QStringLiteral("parcel")));
            QVERIFY(m_pairs.last() > 0);
        }

        m_window = std::make_unique<MainWindow>(QUrl(base()));
        m_window->poller()->setInterval(200);
        m_window->poller()->setBackoff(100, 400);
        m_window->resize(1100, 560);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->useToken(m_authorization.mid(int(qstrlen("Bearer "))));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->poller()->state(), ChangePoller::ConnectionState::Connected, 10000);
    }

    void outageKeepsPageSelectionAndScroll()
    {
        auto *page = m_window->findChild<SyncPairsPage *>();
        QVERIFY(page);
        m_window->showPage(QStringLiteral("syncPairs"));
        QTRY_COMPARE_WITH_TIMEOUT(page->model()->rowCount(), 60, 10000);
        QTableView *table = page->table();
        QScrollBar *scroll = table->verticalScrollBar();
        QTRY_VERIFY_WITH_TIMEOUT(scroll->maximum() > 10, 5000);
        // Two neighbouring pairs near the middle, scrolled into view.
        page->selectId(m_pairs.at(40));
        const QModelIndex current = table->currentIndex();
        QVERIFY(current.isValid());
        table->selectionModel()->select(table->model()->index(current.row() + 1, 0),
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        table->scrollTo(current, QAbstractItemView::PositionAtCenter);
        const QList<qint64> selected = page->selectedIds();
        QCOMPARE(selected.size(), 2);
        QVERIFY(selected.contains(m_pairs.at(40)));
        const int position = scroll->value();
        QVERIFY(position > 0);

        m_gateway->kill();
        QVERIFY(m_gateway->waitFinished(10000));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->banner()->isVisible(), 10000);
        QVERIFY(m_window->poller()->state() != ChangePoller::ConnectionState::Connected);
        QCOMPARE(m_window->currentPageId(), QStringLiteral("syncPairs"));
        QCOMPARE(page->model()->rowCount(), 60); // the last known state
        QCOMPARE(page->selectedIds(), selected);
        QCOMPARE(scroll->value(), position);
        QTest::qWait(200);
        QVERIFY(test::saveScreenshots(m_window.get(), QStringLiteral("pairs-gateway-down")));

        // A new gateway on the same port: nobody touches the console.
        QVERIFY(startOwnGateway());
        QTRY_COMPARE_WITH_TIMEOUT(m_window->poller()->state(), ChangePoller::ConnectionState::Connected, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->banner()->isHidden(), 5000);
        QVERIFY(m_window->session()->isSignedIn());
        auto *pageBanner = page->findChild<QWidget *>(QStringLiteral("pairsBanner"));
        QVERIFY(pageBanner);
        QTRY_VERIFY_WITH_TIMEOUT(pageBanner->isHidden(), 5000); // the page's own "could not be read" too
        // Whatever the reconnection reloads, the page, the selection and the scroll stay.
        QTest::qWait(1500);
        QCOMPARE(m_window->currentPageId(), QStringLiteral("syncPairs"));
        QCOMPARE(page->model()->rowCount(), 60);
        QCOMPARE(page->selectedIds(), selected);
        QCOMPARE(scroll->value(), position);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        if (m_gateway) {
            m_gateway->terminate();
            QVERIFY(m_gateway->waitFinished(15000));
        }
        if (m_syncd) {
            m_syncd->terminate();
            QVERIFY(m_syncd->waitFinished(15000));
        }
    }

private:
    bool startOwnGateway()
    {
        m_gateway = std::make_unique<test::ServiceProcess>(
                test::binary(QStringLiteral("tf-gateway")),
                QStringList { QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--data-dir"), dataDir(),
                              QStringLiteral("--no-supervise-sync"), QStringLiteral("--sync-port"), QString::number(m_syncPort) },
                environment());
        if (!m_gateway->start() || !m_gateway->waitHealthy(base() + QStringLiteral("/health/ready"), 20000)) {
            qWarning("the gateway did not become ready: %s", m_gateway->output().constData());
            return false;
        }
        return true;
    }

    // The page reads 60 pair details at once: no rate limit in the way.
    static QProcessEnvironment environment()
    {
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
        return env;
    }

    std::unique_ptr<test::ServiceProcess> m_syncd;
    std::unique_ptr<MainWindow> m_window;
    QList<qint64> m_pairs;
};

QTEST_MAIN(TestGatewayOutage)
#include "tst_gatewayoutage.moc"
