// The Audit trail page against a real tf-gateway supervising tf-syncd (SQLite control database,
// 400 seeded entries): the filter bar narrows the list (and is restored from QSettings), the
// detail pane shows the before/after diff with changed fields marked, the summary chart counts
// per day and per user, Export streams the filtered trail to a file equal to the API's own
// answer (and Cancel leaves no file), an auditor reads everything and writes nothing, and after
// an edit behind the gateway's back Verify selects and marks the first broken entry.
// Screenshots (light and dark) go to <build>/console-screenshots/.
#include "auditseed.h"
#include "screenshots.h"
#include "client/changepoller.h"
#include "client/permissions.h"
#include "integration/tst_gatewayproxy_fixture.h"
#include "mainwindow.h"
#include "models/auditmodel.h"
#include "models/session.h"
#include "pages/auditpage.h"
#include "settings/displaysettings.h"
#include "widgets/auditdetail.h"
#include "widgets/auditfilterbar.h"
#include "widgets/auditsummarychart.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QProgressBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>

using namespace tf;
using console::AuditModel;
using console::AuditPage;
using console::DisplaySettings;
using console::MainWindow;

class TestAuditPage final : public QObject, private test::GatewayProxyFixture
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TerraFusionTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_auditpage"));
        QSettings().clear();
        DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
        QVERIFY(m_dir.isValid());
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
        QVERIFY(startGateway(env));
        QVERIFY(!m_authorization.isEmpty());
        m_seeded = test::seedAuditTrail(dataDir(), 400, QDateTime::currentDateTimeUtc().addDays(-3));
        m_window = openWindow(m_authorization.mid(int(qstrlen("Bearer "))));
        QVERIFY(m_window);
        m_page = m_window->findChild<AuditPage *>();
        QVERIFY(m_page);
        m_window->showPage(QStringLiteral("audit"));
        QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowCount() > 0, 10000);
    }

    void filtersTheTrailAndKeepsTheFilters()
    {
        setField("audit_username", QStringLiteral("alice"));
        setField("audit_event_type", QStringLiteral("sync_pair.updated"));
        m_page->filterBar()->applyAction()->trigger();
        // alice writes the odd entries, every fifth is an update: 5, 15, ..., 395.
        QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->total(), 40, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowCount(), 40, 10000);
        for (int row = 0; row < 40; ++row)
            QCOMPARE(m_page->model()->entryAt(row).value(QStringLiteral("username")).toString(), QStringLiteral("alice"));
        QVERIFY(m_page->findChild<QLabel *>(QStringLiteral("auditTotal"))->text().startsWith(QStringLiteral("40 entries")));
        // Each filter is kept: a new bar reads them back.
        console::AuditFilterBar restored;
        QCOMPARE(restored.query().queryItemValue(QStringLiteral("username")), QStringLiteral("alice"));
        QCOMPARE(restored.query().queryItemValue(QStringLiteral("event_type")), QStringLiteral("sync_pair.updated"));
        QCOMPARE(m_page->model()->filter().queryItemValue(QStringLiteral("event_type")), QStringLiteral("sync_pair.updated"));
    }

    void detailShowsTheDiff()
    {
        m_page->table()->setCurrentIndex(m_page->model()->index(0, AuditModel::IdColumn));
        const db::AuditEntry &expected = m_seeded.at(395);
        QCOMPARE(m_page->detail()->entry().value(QStringLiteral("id")).toInteger(), expected.id);
        QTreeWidget *diff = m_page->detail()->diff();
        QCOMPARE(diff->topLevelItemCount(), 2);
        QTreeWidgetItem *name = diff->topLevelItem(0);
        QTreeWidgetItem *value = diff->topLevelItem(1);
        QVERIFY(name->data(0, Qt::UserRole).toBool()); // changed, marked
        QVERIFY(name->text(0).contains(QStringLiteral("name")));
        QCOMPARE(name->text(1), QStringLiteral("parcels 395"));
        QCOMPARE(name->text(2), QStringLiteral("parcels 395 (renamed)"));
        QVERIFY(name->font(0).bold());
        QVERIFY(!value->data(0, Qt::UserRole).toBool());
        QVERIFY(!value->font(0).bold());
        QCOMPARE(label("audit_detail_correlation_id"), QStringLiteral("req-395"));
        QCOMPARE(label("audit_detail_ip_address"), expected.ipAddress);
        grab(QStringLiteral("audit-detail"));
    }

    void oldestIsOneRequestFromTheOtherEnd()
    {
        // bob's 200 entries in pages of 20: Ctrl+End reads the oldest page, not the nine between.
        AuditModel *model = m_page->model();
        model->setPageSize(20);
        setField("audit_username", QStringLiteral("bob"));
        setField("audit_event_type", QString());
        m_page->filterBar()->applyAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(model->total(), 200, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!model->atEnd() && model->fetchedRows() < 200 && model->fetchedRows() > 0, 10000);
        QTest::qWait(100); // the view's own fetchMore calls settle
        const int requests = model->requestsSent();
        int atEnd = -1; // requests when the last row was there
        connect(model, &AuditModel::endReached, this, [&atEnd, model] { atEnd = model->requestsSent(); }, Qt::SingleShotConnection);
        m_page->oldestAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(m_page->table()->currentIndex().row(), 199, 10000);
        QCOMPARE(atEnd - requests, 1);
        QCOMPARE(model->rowCount(), 200);
        QVERIFY(model->gapRows() > 0);
        QCOMPARE(m_page->detail()->entry().value(QStringLiteral("id")).toInteger(), m_seeded.at(0).id);
        QVERIFY2(label("auditTotal").startsWith(QStringLiteral("200 entries · %1 listed").arg(model->fetchedRows())),
                 qPrintable(label("auditTotal")));
        // The placeholders on screen fill from the nearer (oldest) end.
        QTableView *table = m_page->table();
        QTRY_VERIFY_WITH_TIMEOUT(model->isLoaded(table->rowAt(0)) && model->isLoaded(table->rowAt(table->viewport()->height() - 1)), 10000);
        // A screen is taller than a page of 20: at most one more page for the rows above it.
        QVERIFY2(model->requestsSent() - requests <= 2, qPrintable(QString::number(model->requestsSent() - requests)));
        QCOMPARE(table->currentIndex().row(), model->rowCount() - 1);
        grab(QStringLiteral("audit-oldest"));
        model->setPageSize(AuditModel::DefaultPageSize);
        setField("audit_username", QStringLiteral("alice"));
        setField("audit_event_type", QStringLiteral("sync_pair.updated"));
        m_page->filterBar()->applyAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(model->total(), 40, 10000);
    }

    void oldestShownBeforeTheTotal()
    {
        // Ctrl+End at once after a new filter: the oldest entry is selected before the count is
        // in; when it arrives the placeholders are resized above the screen and the view stays.
        AuditModel *model = m_page->model();
        QTableView *table = m_page->table();
        model->setPageSize(20);
        setField("audit_username", QStringLiteral("bob"));
        setField("audit_event_type", QString());
        qint64 totalWhenShown = 0;
        QString labelWhenShown;
        const QMetaObject::Connection shown = connect(table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
                                                      [&](const QModelIndex &current) {
            if (totalWhenShown != 0 || current.row() != model->rowCount() - 1)
                return; // the first time the last row is selected
            totalWhenShown = model->total();
            labelWhenShown = label("auditTotal");
        });
        m_page->filterBar()->applyAction()->trigger();
        m_page->oldestAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(m_page->detail()->entry().value(QStringLiteral("id")).toInteger(), m_seeded.at(0).id, 10000);
        disconnect(shown);
        QCOMPARE(totalWhenShown, -1);
        QCOMPARE(labelWhenShown, QStringLiteral("Counting…"));
        QTRY_COMPARE_WITH_TIMEOUT(model->total(), 200, 10000);
        QCOMPARE(model->rowCount(), 200); // the ids between the ends were everyone's: fewer rows now
        QCOMPARE(table->currentIndex().row(), 199);
        const QRect last = table->visualRect(model->index(199, 0)); // still at the bottom, wholly on screen
        QVERIFY2(last.top() >= 0 && last.bottom() < table->viewport()->height(),
                 qPrintable(QStringLiteral("last row at %1..%2 of %3").arg(last.top()).arg(last.bottom()).arg(table->viewport()->height())));
        QCOMPARE(m_page->detail()->entry().value(QStringLiteral("id")).toInteger(), m_seeded.at(0).id);
        QVERIFY2(label("auditTotal").startsWith(QStringLiteral("200 entries")), qPrintable(label("auditTotal")));
        QTRY_VERIFY_WITH_TIMEOUT(model->isLoaded(table->rowAt(0)), 10000); // the placeholders on screen fill
        grab(QStringLiteral("audit-oldest-at-once"));
        model->setPageSize(AuditModel::DefaultPageSize);
        setField("audit_username", QStringLiteral("alice"));
        setField("audit_event_type", QStringLiteral("sync_pair.updated"));
        m_page->filterBar()->applyAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(model->total(), 40, 10000);
    }

    void summaryChartCountsPerDayAndUser()
    {
        m_page->filterBar()->setQuery({});
        QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->total(), api("GET", QStringLiteral("/api/audit/summary")).json()
                                                               .value(QStringLiteral("total_entries")).toInteger(), 10000);
        m_page->tabs()->setCurrentWidget(m_page->summaryChart());
        const auto users = m_page->summaryChart()->userBars();
        QVERIFY(users.contains(qMakePair(QStringLiteral("alice"), qint64(200))));
        QVERIFY(users.contains(qMakePair(QStringLiteral("bob"), qint64(200))));
        qint64 perDay = 0;
        for (const auto &bar : m_page->summaryChart()->dayBars())
            perDay += bar.second;
        QCOMPARE(perDay, m_page->model()->total());
        grab(QStringLiteral("audit-summary"));
        m_page->tabs()->setCurrentWidget(m_page->detail());
    }

    void exportsTheFilterAsTheApiDoes()
    {
        QUrlQuery filter;
        filter.addQueryItem(QStringLiteral("username"), QStringLiteral("bob"));
        filter.addQueryItem(QStringLiteral("severity"), QStringLiteral("error"));
        m_page->filterBar()->setQuery(filter);
        QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->total(), 40, 10000);
        const QString path = m_dir.filePath(QStringLiteral("audit.csv"));
        QSignalSpy exported(m_page, &AuditPage::exported);
        QVERIFY(m_page->exportTo(path));
        QVERIFY(m_page->progress()->isVisible());
        QVERIFY(m_page->cancelAction()->isEnabled());
        QVERIFY(exported.wait(20000));
        QVERIFY2(exported.first().at(0).toBool(), qPrintable(exported.first().at(1).toString()));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray written = file.readAll();
        const test::HttpResult answer = api("GET", QStringLiteral("/api/audit/export?username=bob&severity=error"));
        QCOMPARE(answer.status, 200);
        QCOMPARE(written, answer.body);
        QCOMPARE(written.count("\r\n") - 1, 40); // header + bob's errors, quoted fields have no line break here
        QVERIFY(!m_page->progress()->isVisible());
    }

    void cancelledExportLeavesNoFile()
    {
        m_page->filterBar()->setQuery({});
        QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->total() > 0 && m_page->model()->rowCount() > 0, 10000);
        QSignalSpy exported(m_page, &AuditPage::exported);
        const QString path = m_dir.filePath(QStringLiteral("cancelled.csv"));
        QVERIFY(m_page->exportTo(path));
        // The progress as the export starts, grabbed before the event loop runs again: a trail
        // of 400 entries is exported within one pass of it, before saveScreenshots() would grab
        // (which is also why there is only the light one: the dark palette needs that pass).
        m_page->layout()->activate();
        QVERIFY(m_window->grab().save(test::screenshotDir() + QStringLiteral("/audit-export-light.png")));
        QVERIFY(m_page->exporting());
        m_page->cancelAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(exported.size(), 1, 10000);
        QCOMPARE(exported.first().at(0).toBool(), false);
        QVERIFY(m_page->exportAction()->isEnabled());
        QVERIFY(exported.first().at(1).toString().contains(QStringLiteral("cancelled")));
        QVERIFY(!QFile::exists(path));
        QVERIFY(!m_page->exporting());
        QVERIFY(!m_page->progress()->isVisible());
    }

    void auditorReadsAndWritesNothing()
    {
        const QJsonObject me = meOfNewUser(QStringLiteral("audra"), QStringLiteral("auditor"));
        QCOMPARE(me.value(QStringLiteral("role")).toString(), QStringLiteral("auditor"));
        const test::HttpResult login = test::http("POST", base() + QStringLiteral("/api/auth/login"),
                                                  test::compact({ { QStringLiteral("username"), QStringLiteral("audra") },
                                                                  { QStringLiteral("password"), QStringLiteral("Pw-audra-correct-horse-9") } }),
                                                  { { "Content-Type", "application/json" } });
        const QByteArray token = login.json().value(QStringLiteral("token")).toString().toUtf8();
        QVERIFY2(!token.isEmpty(), login.body.constData());
        const qint64 before = trailLength();

        std::unique_ptr<MainWindow> window = openWindow(token);
        QVERIFY(window);
        QCOMPARE(window->permissions()->role(), QStringLiteral("auditor"));
        auto *page = window->findChild<AuditPage *>();
        window->showPage(QStringLiteral("audit"));
        QTRY_VERIFY_WITH_TIMEOUT(page->model()->rowCount() > 0, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(page->model()->total(), before, 10000);
        QVERIFY(page->verifyAction()->isEnabled());
        QVERIFY(page->exportAction()->isEnabled());
        page->table()->setCurrentIndex(page->model()->index(1, AuditModel::IdColumn));
        QVERIFY(!page->detail()->entry().isEmpty());
        QSignalSpy verified(page, &AuditPage::verified);
        page->verifyAction()->trigger();
        QVERIFY(verified.wait(20000));
        QCOMPARE(verified.first().at(0).toBool(), true);
        QVERIFY(page->verifyText().contains(QStringLiteral("intact")));
        // Listing, filtering, summary and verifying wrote nothing: the trail is as long as before.
        QCOMPARE(trailLength(), before);
        window.reset();
    }

    void verifyPointsAtTheTamperedEntry()
    {
        const qint64 victim = m_seeded.at(123).id;
        {
            auto control = db::ControlDatabase::open(dataDir() + QStringLiteral("/terrafusion.db"), false);
            db::Database &database = control->database();
            database.execDirect(QStringLiteral("DROP TRIGGER audit_entries_no_update"), "tamper");
            database.execDirect(QStringLiteral("UPDATE audit_entries SET username = 'mallory' WHERE id = %1").arg(victim), "tamper");
            database.closeThreadConnection();
        }
        m_page->filterBar()->setQuery({});
        QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowCount() > 0, 10000);
        QSignalSpy verified(m_page, &AuditPage::verified);
        m_page->verifyAction()->trigger();
        QVERIFY(verified.wait(30000));
        QCOMPARE(verified.first().at(0).toBool(), false);
        QCOMPARE(verified.first().at(1).toLongLong(), victim);
        QCOMPARE(m_page->brokenAt(), victim);
        QVERIFY(m_page->verifyText().contains(QString::number(victim)));
        // The page went to the entry: selected, in the detail pane, marked as where it breaks.
        const int row = m_page->table()->currentIndex().row();
        QVERIFY(row >= 0);
        QCOMPARE(m_page->model()->entryAt(row).value(QStringLiteral("id")).toInteger(), victim);
        QCOMPARE(m_page->detail()->entry().value(QStringLiteral("username")).toString(), QStringLiteral("mallory"));
        QVERIFY(m_page->model()->data(m_page->model()->index(row, AuditModel::IdColumn), Qt::BackgroundRole).isValid());
        QVERIFY(!m_page->model()->data(m_page->model()->index(row + 1, AuditModel::IdColumn), Qt::BackgroundRole).isValid());
        QTRY_VERIFY(m_page->detail()->findChild<QLabel *>(QStringLiteral("auditBroken"))->isVisible());
        grab(QStringLiteral("audit-verify-broken"));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
    }

private:
    std::unique_ptr<MainWindow> openWindow(const QByteArray &token)
    {
        auto window = std::make_unique<MainWindow>(QUrl(base()));
        window->resize(1400, 760);
        window->show();
        if (!QTest::qWaitForWindowExposed(window.get()))
            return {};
        QSignalSpy signedIn(window->session(), &console::Session::signedIn);
        window->useToken(token);
        if (!signedIn.wait(10000))
            return {};
        if (!QTest::qWaitFor([&window] { return !window->permissions()->role().isEmpty(); }, 10000))
            return {};
        return window;
    }
    qint64 trailLength()
    {
        return api("GET", QStringLiteral("/api/audit/summary")).json().value(QStringLiteral("total_entries")).toInteger();
    }
    void setField(const char *name, const QString &text)
    {
        auto *edit = m_page->findChild<QLineEdit *>(QLatin1String(name));
        QVERIFY2(edit, name);
        edit->setText(text);
    }
    QString label(const char *name) const
    {
        auto *found = m_page->findChild<QLabel *>(QLatin1String(name));
        return found ? found->text() : QStringLiteral("<no %1>").arg(QLatin1String(name));
    }
    void grab(const QString &name) { QVERIFY(test::saveScreenshots(m_window.get(), name)); }

    std::unique_ptr<MainWindow> m_window;
    AuditPage *m_page = nullptr;
    QList<db::AuditEntry> m_seeded;
};

QTEST_MAIN(TestAuditPage)
#include "tst_auditpage.moc"
