// The Dashboard page against a real tf-gateway supervising tf-syncd (SQLite): once the
// collector has stored a few samples (sampling every 300 ms here) and a pair has run, the
// dashboard shows the health of the components, its counters, and a CPU chart with at least
// one line of points and the 80 % threshold; choosing another range asks for the history
// again with a wider step. Screenshots (light and dark) go to <build>/console-screenshots/.
#include "screenshots.h"
#include "client/changepoller.h"
#include "db/repositories/metricsrepository.h"
#include "integration/tst_gatewayproxy_fixture.h"
#include "mainwindow.h"
#include "pages/dashboardpage.h"
#include "settings/displaysettings.h"
#include "widgets/metricchart.h"
#include "widgets/timerangepicker.h"

#include <QApplication>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QToolTip>
#include <QDir>
#include <QLabel>
#include <QLineSeries>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QUrlQuery>

#include <cmath>

using namespace tf;
using console::DashboardPage;
using console::DisplaySettings;
using console::MainWindow;

class TestDashboardPage final : public QObject, private test::GatewayProxyFixture
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TerraFusionTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_dashboardpage"));
        QSettings().clear();
        DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
        QVERIFY(m_dir.isValid());
        makeSourceAndTarget(200, { 7 });
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_MONITORING__SAMPLE_INTERVAL_MS"), QStringLiteral("300"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
        QVERIFY(startGateway(env));
        QVERIFY(!m_authorization.isEmpty());

        // A pair that has run, so the throughput chart has a line too.
        const qint64 source = createSqliteSystem(QStringLiteral("source"), QStringLiteral("source.db"));
        const qint64 target = createSqliteSystem(QStringLiteral("target"), QStringLiteral("target.db"));
        QVERIFY(source > 0 && target > 0);
        const qint64 pair = create(QStringLiteral("/api/sync-pairs"),
                                   pairBody(QStringLiteral("parcels"), source, target, QStringLiteral("parcel")));
        QVERIFY(pair > 0);
        const qint64 operation = startOperation({ { QStringLiteral("pair_id"), pair } });
        QVERIFY(operation > 0);
        QVERIFY(finished(waitForOperation(operation, finished)));
        // And one that fails (its source table does not exist), for the operations chart.
        const qint64 broken = create(QStringLiteral("/api/sync-pairs"),
                                     pairBody(QStringLiteral("broken"), source, target, QStringLiteral("no_such_table")));
        QVERIFY(broken > 0);
        const qint64 failing = startOperation({ { QStringLiteral("pair_id"), broken } });
        QVERIFY(failing > 0);
        QCOMPARE(waitForOperation(failing, finished).value(QStringLiteral("status")).toString(), QStringLiteral("failed"));

        // A few CPU samples stored.
        QDeadlineTimer deadline(20000);
        int points = 0;
        while (points < 3 && !deadline.hasExpired()) {
            const test::HttpResult history = api("GET", QStringLiteral("/api/metrics/history?metric=cpu_percent&step=1"));
            const QJsonArray items = history.json().value(QStringLiteral("items")).toArray();
            points = items.isEmpty() ? 0 : int(items.first().toObject().value(QStringLiteral("points")).toArray().size());
            QThread::msleep(200);
        }
        QVERIFY2(points >= 3, "the collector stored no CPU samples");
        QThread::msleep(1000);
        storeHistory();

        m_window = std::make_unique<MainWindow>(QUrl(base()));
        m_window->poller()->setInterval(300);
        m_window->resize(1280, 820);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->useToken(m_authorization.mid(int(qstrlen("Bearer "))));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->poller()->state(), console::ChangePoller::ConnectionState::Connected, 10000);
    }

    void dashboardShowsChartsWithThresholds()
    {
        m_page = m_window->findChild<DashboardPage *>();
        QVERIFY(m_page);
        QSignalSpy refreshed(m_page, &DashboardPage::refreshed);
        m_window->showPage(QStringLiteral("dashboard"));
        QCOMPARE(m_window->currentPageId(), QStringLiteral("dashboard"));
        QVERIFY(refreshed.wait(15000));

        console::MetricChart *cpu = m_page->chart(QStringLiteral("cpu_percent"));
        QVERIFY(cpu);
        QVERIFY(!cpu->dataSeries().isEmpty());
        QVERIFY(cpu->dataSeries().first()->count() >= 1);
        QCOMPARE(cpu->thresholdSeries().size(), 1);
        QCOMPARE(cpu->thresholdSeries().first()->at(0).y(), 80.0);
        QVERIFY(cpu->chart()->series().size() >= 2);
        QCOMPARE(m_page->chart(QStringLiteral("disk_percent"))->thresholdSeries().first()->at(0).y(), 85.0);
        QCOMPARE(m_page->chart(QStringLiteral("http_p95_ms"))->thresholdSeries().first()->at(0).y(), 500.0);
        QVERIFY(!m_page->chart(QStringLiteral("pair_rows_per_second"))->dataSeries().isEmpty());

        // The health of the components, as the overview shows it.
        auto *health = m_page->findChild<QLabel *>(QStringLiteral("dashboardHealth"));
        QTRY_VERIFY_WITH_TIMEOUT(health->text().contains(QStringLiteral("database")), 10000);
        // The counters read /api/metrics.
        auto *failed = m_page->findChild<QLabel *>(QStringLiteral("counterFailedSyncs"));
        QTRY_VERIFY_WITH_TIMEOUT(failed->text() != QStringLiteral("—"), 5000);
        auto *alerts = m_page->findChild<QLabel *>(QStringLiteral("counterOpenAlerts"));
        QVERIFY(alerts->text() != QStringLiteral("—"));
        auto *quarantine = m_page->findChild<QLabel *>(QStringLiteral("counterOpenQuarantine"));
        // The counter is GET /api/quarantine/summary's open: row 7 broke a rule, so one row is open.
        const test::HttpResult summary = api("GET", QStringLiteral("/api/quarantine/summary"));
        QCOMPARE(summary.status, 200);
        const qint64 open = summary.json().value(QStringLiteral("open")).toInteger();
        QCOMPARE(open, qint64(1));
        QTRY_COMPARE_WITH_TIMEOUT(quarantine->text(), QString::number(open), 5000);
        QTest::qWait(300);
        grab(QStringLiteral("dashboard"));
    }

    void rangeChangeRequestsTheHistoryAgain()
    {
        const int before = m_page->historyRequests();
        const QString hourQuery = m_page->lastQuery(QStringLiteral("cpu_percent"));
        QSignalSpy refreshed(m_page, &DashboardPage::refreshed);
        m_page->rangePicker()->setCurrentIndex(2); // 7 days
        QVERIFY(refreshed.wait(15000));
        QVERIFY(m_page->historyRequests() > before);
        QCOMPARE(m_page->rangeSeconds(), qint64(7 * 24 * 3600));
        const QString weekQuery = m_page->lastQuery(QStringLiteral("cpu_percent"));
        QVERIFY2(weekQuery != hourQuery, qPrintable(weekQuery));
        const QUrlQuery hour(hourQuery);
        const QUrlQuery week(weekQuery);
        QVERIFY(week.queryItemValue(QStringLiteral("step")).toLongLong()
                > hour.queryItemValue(QStringLiteral("step")).toLongLong());
        QVERIFY(!m_page->chart(QStringLiteral("cpu_percent"))->dataSeries().isEmpty());
        m_page->rangePicker()->setCurrentIndex(0);
        QVERIFY(refreshed.wait(15000));
    }

    void operationsChartSplitsSucceededAndFailed()
    {
        // The last hour: one run that succeeded (with a quarantined row) and one that failed.
        QCOMPARE(m_page->rangePicker()->currentIndex(), 0);
        QSignalSpy refreshed(m_page, &DashboardPage::refreshed);
        m_page->refresh();
        QVERIFY(refreshed.wait(15000));
        console::MetricChart *chart = m_page->operationsChart();
        QCOMPARE(chart->dataSeries().size(), 2);
        QLineSeries *succeeded = chart->dataSeries().at(0);
        QLineSeries *failed = chart->dataSeries().at(1);
        QCOMPARE(succeeded->name(), QStringLiteral("succeeded"));
        QCOMPARE(failed->name(), QStringLiteral("failed"));
        // One step (two points, an hour apart) per hour the range touches (no merging at this
        // width), summing to 1 and 1.
        QVERIFY(succeeded->count() == 2 || succeeded->count() == 4);
        QCOMPARE(stepSum(succeeded), 1.0);
        QCOMPARE(stepSum(failed), 1.0);
        QCOMPARE(succeeded->pen().color(), QColor(46, 160, 67));
        QCOMPARE(failed->pen().color(), QColor(215, 58, 73));
        // Hovering a point shows its value.
        const QPointF last = failed->points().last();
        const QPointF hit = last.y() > 0 ? last : failed->points().first();
        emit failed->hovered(hit, true);
        QTRY_VERIFY_WITH_TIMEOUT(QToolTip::isVisible(), 2000);
        QVERIFY2(QToolTip::text().startsWith(QStringLiteral("failed: 1.0")), qPrintable(QToolTip::text()));
        emit failed->hovered(hit, false);
        // The summary asked for is the range's, by hour.
        const QUrlQuery query(m_page->lastSummaryQuery());
        QCOMPARE(query.queryItemValue(QStringLiteral("bucket")), QStringLiteral("hour"));
        const QDateTime from = QDateTime::fromString(query.queryItemValue(QStringLiteral("from")), Qt::ISODate);
        const QDateTime to = QDateTime::fromString(query.queryItemValue(QStringLiteral("to")), Qt::ISODate);
        QCOMPARE(from.secsTo(to), qint64(3600));
    }

    void customRangeIsValidatedAndUsed()
    {
        console::TimeRangePicker *picker = m_page->timeRange();
        QSignalSpy refreshed(m_page, &DashboardPage::refreshed);
        // Choosing Custom… starts from the preset shown (the last hour), ending now.
        QVERIFY(!picker->fromEdit()->isVisible());
        m_page->rangePicker()->setCurrentIndex(console::TimeRangePicker::CustomIndex);
        QVERIFY(refreshed.wait(15000));
        QVERIFY(picker->fromEdit()->isVisible() && picker->toEdit()->isVisible());
        QCOMPARE(m_page->rangeSeconds(), qint64(3600));
        QVERIFY(qAbs(picker->to().secsTo(QDateTime::currentDateTimeUtc())) < 60);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        // From after to, and more than 90 days: refused with the reason, no request.
        const int before = m_page->historyRequests();
        QVERIFY(!picker->setCustomRange(now, now.addDays(-1)));
        QVERIFY(picker->problemLabel()->isVisible());
        QCOMPARE(picker->problemLabel()->text(), QStringLiteral("From must be before To."));
        QVERIFY(!picker->setCustomRange(now.addDays(-91), now));
        QCOMPARE(picker->problemLabel()->text(), QStringLiteral("At most 90 days."));
        QTest::qWait(200);
        QCOMPARE(m_page->historyRequests(), before);
        QVERIFY(picker->fromEdit()->isVisible() && picker->toEdit()->isVisible());
        // Two days to the next whole minute but one (the editors show minutes).
        const QDateTime to = QDateTime::fromSecsSinceEpoch((now.toSecsSinceEpoch() / 60 + 2) * 60, Qt::UTC);
        const QDateTime from = to.addDays(-2);
        QVERIFY(picker->setCustomRange(from, to));
        QVERIFY(!picker->problemLabel()->isVisible());
        QVERIFY(refreshed.wait(15000));
        QCOMPARE(m_page->rangeSeconds(), qint64(2 * 24 * 3600));
        QCOMPARE(picker->fromEdit()->dateTime().toUTC(), from);
        // The editors show the same instants in the time zone the View menu chooses.
        DisplaySettings::instance()->setTimeZone(DisplaySettings::TimeZone::Utc);
        QCOMPARE(picker->fromEdit()->timeSpec(), Qt::UTC);
        QCOMPARE(picker->fromEdit()->dateTime().toUTC(), from);
        QCOMPARE(picker->toEdit()->dateTime().toUTC(), to);
        DisplaySettings::instance()->setTimeZone(DisplaySettings::TimeZone::Local);
        QCOMPARE(picker->fromEdit()->timeSpec(), Qt::LocalTime);
        QCOMPARE(picker->fromEdit()->dateTime().toUTC(), from);
        QCOMPARE(picker->toEdit()->dateTime().toUTC(), to);
        DisplaySettings::instance()->setTimeZone(DisplaySettings::TimeZone::Utc);
        const QUrlQuery history(m_page->lastQuery(QStringLiteral("cpu_percent")));
        QCOMPARE(history.queryItemValue(QStringLiteral("created_after")), from.toString(Qt::ISODate));
        QCOMPARE(history.queryItemValue(QStringLiteral("created_before")), to.toString(Qt::ISODate));
        const QUrlQuery summary(m_page->lastSummaryQuery());
        QCOMPARE(summary.queryItemValue(QStringLiteral("from")), from.toString(Qt::ISODate));
        QCOMPARE(summary.queryItemValue(QStringLiteral("to")), to.toString(Qt::ISODate));
        // 48 hours by hour: both runs are in them.
        // Every hour the 48 touch (49 unless they start on the hour), one step each.
        const qint64 hours = (to.toSecsSinceEpoch() - 1) / 3600 - from.toSecsSinceEpoch() / 3600 + 1;
        QCOMPARE(m_page->operationsChart()->dataSeries().at(0)->count(), 2 * hours);
        QCOMPARE(stepSum(m_page->operationsChart()->dataSeries().at(0)), 1.0);
        QVERIFY(!m_page->chart(QStringLiteral("cpu_percent"))->dataSeries().isEmpty());
        QTest::qWait(300);
        grab(QStringLiteral("dashboard-custom-range"));
        // 90 days (the most) by hour: 2160 hours merged to about one step per pixel.
        QVERIFY(picker->setCustomRange(to.addDays(-90), to));
        QVERIFY(refreshed.wait(15000));
        QLineSeries *merged = m_page->operationsChart()->dataSeries().at(0);
        QVERIFY2(merged->count() / 2 <= m_page->operationsChart()->width(), qPrintable(QString::number(merged->count())));
        QVERIFY(merged->count() / 2 < 90 * 24);
        QCOMPARE(stepSum(merged), 1.0);
        QCOMPARE(stepSum(m_page->operationsChart()->dataSeries().at(1)), 1.0);
        m_page->rangePicker()->setCurrentIndex(0);
        QVERIFY(refreshed.wait(15000));
        QVERIFY(!picker->fromEdit()->isVisible());
    }

    void f5RefreshesTheDashboard()
    {
        const int before = m_page->historyRequests();
        QSignalSpy refreshed(m_page, &DashboardPage::refreshed);
        QTest::keyClick(m_window.get(), Qt::Key_F5);
        QVERIFY(refreshed.wait(15000));
        QVERIFY(m_page->historyRequests() > before);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
    }

private:
    // Thirty days of samples before the collector's own: one a minute for the last two hours,
    // then one every 30 min, for the collector's node and a second node, so the charts show
    // lines across every range (as a running installation would).
    void storeHistory()
    {
        const QJsonArray cpu = api("GET", QStringLiteral("/api/metrics/history?metric=cpu_percent")).json().value(QStringLiteral("items")).toArray();
        QVERIFY(!cpu.isEmpty());
        const QString node = cpu.first().toObject().value(QStringLiteral("node")).toString();
        const QJsonArray rates = api("GET", QStringLiteral("/api/metrics/history?metric=pair_rows_per_second")).json().value(QStringLiteral("items")).toArray();
        const QJsonObject pairLabels = rates.isEmpty() ? QJsonObject { { QStringLiteral("pair"), QStringLiteral("parcels") } }
                                                       : rates.first().toObject().value(QStringLiteral("labels")).toObject();
        db::Database control(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + dataDir() + QStringLiteral("/terrafusion.db")));
        db::MetricsRepository metrics(control);
        const QDateTime now = QDateTime::currentDateTimeUtc().addSecs(-30);
        for (const QString &who : { node, QStringLiteral("syncd-b") }) {
            const double shift = who == node ? 0.0 : 1.7;
            QList<db::MetricSample> samples;
            for (qint64 ago = 30 * 24 * 3600; ago > 0; ago -= (ago > 7200 ? 1800 : 60)) {
                const QDateTime at = now.addSecs(-ago);
                const double x = double(ago) / 1800.0 + shift;
                auto add = [&](const char *metric, double value, const QJsonObject &labels = {}) {
                    db::MetricSample sample;
                    sample.metric = QLatin1String(metric);
                    sample.value = value;
                    sample.labels = labels;
                    sample.at = at;
                    samples << sample;
                };
                add("cpu_percent", 35 + 25 * std::sin(x));
                add("memory_percent", 55 + 12 * std::sin(x / 3));
                add("disk_percent", 60 + shift * 5 + double(30 * 24 * 3600 - ago) / (30 * 24 * 3600) * 8);
                add("http_p95_ms", 150 + 90 * std::sin(x * 1.3) + (int(ago / 60) % 97 == 0 ? 450 : 0));
                add("operations_failed_last_hour", double(int(ago / 3600) % 9 == 0 ? 2 : 0));
                if (who == node)
                    add("pair_rows_per_second", 900 + 400 * std::sin(x / 2), pairLabels);
            }
            metrics.insert(who, samples);
        }
        control.closeThreadConnection();
    }

    // The operations a step line stands for: each step's mean per hour times its hours. -1
    // when a step is not level or not a whole number of hours long.
    static double stepSum(QLineSeries *line)
    {
        double sum = 0;
        const QList<QPointF> points = line->points();
        for (int i = 0; i + 1 < points.size(); i += 2) {
            const qint64 length = qint64(points.at(i + 1).x() - points.at(i).x()) + 1;
            if (points.at(i).y() != points.at(i + 1).y() || length % (3600 * 1000) != 0)
                return -1;
            sum += points.at(i).y() * double(length / (3600 * 1000));
        }
        return points.size() % 2 == 0 ? sum : -1;
    }

    void grab(const QString &name) { QVERIFY(test::saveScreenshots(m_window.get(), name)); }

    std::unique_ptr<MainWindow> m_window;
    DashboardPage *m_page = nullptr;
};

QTEST_MAIN(TestDashboardPage)
#include "tst_dashboardpage.moc"
