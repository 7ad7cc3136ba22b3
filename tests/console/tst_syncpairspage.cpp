// The Sync pairs page and the pair editor against a real tf-gateway supervising a real
// tf-syncd over SQLite systems: the page lists the pairs created through the API; Disable
// shows the row disabled with the same row still selected; the editor shows a 422 on the
// fields it names and stays open, then creates the pair, which appears in the table; Run
// queues an operation; the open quarantine and backlog columns come from three reads for all
// pairs, an enabled pair past its next run is overdue, the detail's sparkline plots the rows/s
// of the pair's finished operations, and "Source → target" is not cut at 1280 px; a viewer sees New, Enable, Disable and Run disabled. Screenshots of the
// page and of the editor with a 422 (light and dark) go to <build>/console-screenshots/.
#include "integration/tst_gatewayproxy_fixture.h"

#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "dialogs/paireditordialog.h"
#include "mainwindow.h"
#include "models/paircounters.h"
#include "models/session.h"
#include "models/resourcefiltermodel.h"
#include "models/syncpairsmodel.h"
#include "pages/syncpairspage.h"
#include "screenshots.h"
#include "settings/displaysettings.h"
#include "widgets/sparkline.h"
#include "widgets/tablestate.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QPushButton>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace tf;
using console::DisplaySettings;
using console::MainWindow;
using console::PairEditorDialog;
using console::SyncPairsModel;
using console::SyncPairsPage;

class TestSyncPairsPage final : public QObject, public test::GatewayProxyFixture
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TerraFusionTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_syncpairspage"));
        QSettings().clear();
        DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
        QVERIFY(m_dir.isValid());
        makeSourceAndTarget(30, { 5 });
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
        // A run whose target cannot be reached waits a minute in the queue (the backlog test).
        env.insert(QStringLiteral("TF_SYNC__RETRY_BASE_MS"), QStringLiteral("60000"));
        env.insert(QStringLiteral("TF_SYNC__RETRY_MAX_MS"), QStringLiteral("120000"));
        QVERIFY(startGateway(env));
        QVERIFY(!m_authorization.isEmpty());
        m_source = createSqliteSystem(QStringLiteral("county-source"), QStringLiteral("source.db"));
        m_target = createSqliteSystem(QStringLiteral("cama-target"), QStringLiteral("target.db"));
        QVERIFY(m_source > 0 && m_target > 0);
        QJsonObject a = pairBody(QStringLiteral("parcels-a"), m_source, m_target, QStringLiteral("parcel"));
        a.insert(QStringLiteral("schedule"), QStringLiteral("0 2 * * MON-SAT"));
        a.insert(QStringLiteral("description"), QStringLiteral("Nightly parcels"));
        m_pairA = create(QStringLiteral("/api/sync-pairs"), a);
        QJsonObject b = pairBody(QStringLiteral("parcels-b"), m_source, m_target, QStringLiteral("parcel"));
        b.insert(QStringLiteral("schedule"), QStringLiteral("30 3 * * *"));
        m_pairB = create(QStringLiteral("/api/sync-pairs"), b);
        QVERIFY(m_pairA > 0 && m_pairB > 0);

        m_shots = QDir(QCoreApplication::applicationDirPath() + QStringLiteral("/../console-screenshots")).absolutePath();
        QVERIFY(QDir().mkpath(m_shots));
        m_window = std::make_unique<MainWindow>(QUrl(base()));
        m_window->poller()->setInterval(200);
        m_window->resize(1280, 760);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QSignalSpy signedIn(m_window->session(), &console::Session::signedIn);
        m_window->useToken(m_authorization.mid(int(qstrlen("Bearer "))));
        QVERIFY(signedIn.wait(10000));
        m_window->showPage(QStringLiteral("syncPairs"));
        m_page = m_window->findChild<SyncPairsPage *>();
        QVERIFY(m_page);
        QVERIFY(m_page->isVisible());
    }

    void listsThePairsCreatedThroughTheApi()
    {
        SyncPairsModel *model = m_page->model();
        QTRY_VERIFY_WITH_TIMEOUT(model->rowOf(m_pairA) >= 0 && model->rowOf(m_pairB) >= 0, 10000);
        QCOMPARE(cell(m_pairA, SyncPairsModel::NameColumn), QStringLiteral("parcels-a"));
        QCOMPARE(cell(m_pairA, SyncPairsModel::EnabledColumn), QStringLiteral("enabled"));
        QCOMPARE(cell(m_pairA, SyncPairsModel::ModeColumn), QStringLiteral("hash"));
        QCOMPARE(cell(m_pairA, SyncPairsModel::ScheduleColumn), QStringLiteral("0 2 * * MON-SAT"));
        QVERIFY(!cell(m_pairA, SyncPairsModel::NextRunColumn).isEmpty());
        // The details (open quarantine) are read for every pair.
        QTRY_COMPARE_WITH_TIMEOUT(cell(m_pairA, SyncPairsModel::OpenQuarantineColumn), QStringLiteral("0"), 10000);
        QCOMPARE(m_page->model()->resetCount(), 0);

        // The text filter narrows the table; Ctrl+F focuses it.
        auto *text = m_page->findChild<QLineEdit *>(QStringLiteral("textFilter"));
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        m_page->table()->setFocus();
        QTest::keyClick(m_page->table(), Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(text->hasFocus());
        text->setText(QStringLiteral("parcels-b"));
        QCOMPARE(m_page->filter()->rowCount(), 1);
        text->clear();
        QCOMPARE(m_page->filter()->rowCount(), 2);
    }

    void detailShowsDefinitionAndOperations()
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(m_pairA) >= 0, 10000);
        QSignalSpy shown(m_page, &SyncPairsPage::detailShown);
        m_page->selectId(m_pairA);
        QVERIFY(shown.count() > 0 || shown.wait(5000));
        auto *definition = m_page->findChild<QLabel *>(QStringLiteral("pairDefinition"));
        QTRY_VERIFY_WITH_TIMEOUT(definition->text().contains(QStringLiteral("county-source")), 5000);
        QVERIFY(definition->text().contains(QStringLiteral("cama-target")));
        QVERIFY(definition->text().contains(QStringLiteral("parcel_copy")));
        QVERIFY(definition->text().contains(QStringLiteral("source_id")));
    }

    void disableShowsDisabledAndKeepsTheSelection()
    {
        m_page->selectId(m_pairA);
        QCOMPARE(m_page->selectedIds(), QList<qint64> { m_pairA });
        QSignalSpy finished(m_page, &SyncPairsPage::actionFinished);
        action(QStringLiteral("disablePairsAction"))->trigger();
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().at(1).toString(), QString());
        QTRY_COMPARE_WITH_TIMEOUT(cell(m_pairA, SyncPairsModel::EnabledColumn), QStringLiteral("disabled"), 10000);
        QCOMPARE(api("GET", QStringLiteral("/api/sync-pairs/%1").arg(m_pairA)).json().value(QStringLiteral("enabled")).toBool(true), false);
        // The change feed and a full refresh come by: same row, still selected, still disabled.
        QSignalSpy refreshed(m_page, &SyncPairsPage::refreshed);
        m_page->refresh();
        QVERIFY(refreshed.wait(10000));
        QTest::qWait(500);
        QCOMPARE(cell(m_pairA, SyncPairsModel::EnabledColumn), QStringLiteral("disabled"));
        QCOMPARE(m_page->selectedIds(), QList<qint64> { m_pairA });
        QCOMPARE(m_page->model()->resetCount(), 0);

        // The status filter shows the disabled pair only.
        auto *status = m_page->findChild<QComboBox *>(QStringLiteral("statusFilter"));
        status->setCurrentIndex(status->findData(QStringLiteral("false")));
        QCOMPARE(m_page->filter()->rowCount(), 1);
        // The filters are remembered: a new page starts with them.
        auto *system = m_page->findChild<QComboBox *>(QStringLiteral("systemFilter"));
        system->setCurrentIndex(system->findData(m_target));
        QCOMPARE(m_page->filter()->rowCount(), 1);
        {
            SyncPairsPage again(m_window->client(), nullptr, nullptr);
            QCOMPARE(again.findChild<QComboBox *>(QStringLiteral("statusFilter"))->currentData().toString(), QStringLiteral("false"));
            auto *againSystem = again.findChild<QComboBox *>(QStringLiteral("systemFilter"));
            again.refresh();
            QTRY_COMPARE_WITH_TIMEOUT(againSystem->currentData().toLongLong(), m_target, 10000);
            QTRY_COMPARE_WITH_TIMEOUT(again.filter()->rowCount(), 1, 10000);
        }
        status->setCurrentIndex(0);
        system->setCurrentIndex(0);
        QCOMPARE(m_page->filter()->rowCount(), 2);
    }

    // The schema-change actions ask the API for the pair's held changes: a pair without any
    // (the demo pairs are not in cdc mode) is reported by name, and nothing changes.
    void schemaChangeActionsReportAPairWithoutCdc()
    {
        m_page->selectId(m_pairA);
        for (const char *name : { "approveSchemaChangeAction", "rejectSchemaChangeAction" }) {
            QSignalSpy finished(m_page, &SyncPairsPage::actionFinished);
            action(QString::fromLatin1(name))->trigger();
            QVERIFY(finished.wait(10000));
            const QString failures = finished.first().at(1).toString();
            QVERIFY2(failures.contains(QStringLiteral("no schema change is held")), qPrintable(failures));
        }
        QCOMPARE(api("GET", QStringLiteral("/api/sync-pairs/%1").arg(m_pairA)).status, 200);
    }

    void runQueuesAnOperation()
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(m_pairB) >= 0, 10000);
        m_page->selectId(m_pairB);
        QSignalSpy finished(m_page, &SyncPairsPage::actionFinished);
        action(QStringLiteral("runPairsAction"))->trigger();
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().at(1).toString(), QString());
        const QJsonArray operations = api("GET", QStringLiteral("/api/sync-operations?pair_id=%1").arg(m_pairB))
                                              .json().value(QStringLiteral("items")).toArray();
        QVERIFY(!operations.isEmpty());
        // The detail pane lists it.
        auto *recent = m_page->findChild<QTableView *>(QStringLiteral("recentOperations"));
        QTRY_VERIFY_WITH_TIMEOUT(recent->model()->rowCount() > 0, 10000);
        // A dry run is queued as one.
        const qint64 before = operations.size();
        finished.clear();
        QTRY_VERIFY_WITH_TIMEOUT(cell(m_pairB, SyncPairsModel::LastRunColumn).startsWith(QStringLiteral("completed")), 20000);
        action(QStringLiteral("dryRunPairsAction"))->trigger();
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().at(1).toString(), QString());
        const QJsonArray after = api("GET", QStringLiteral("/api/sync-operations?pair_id=%1").arg(m_pairB))
                                         .json().value(QStringLiteral("items")).toArray();
        QCOMPARE(after.size(), before + 1);
        QVERIFY(after.first().toObject().value(QStringLiteral("dry_run")).toBool());
        // Running a disabled pair is refused: the failure is reported, not swallowed.
        m_page->selectId(m_pairA);
        finished.clear();
        action(QStringLiteral("runPairsAction"))->trigger();
        QVERIFY(finished.wait(10000));
        QVERIFY2(!finished.first().at(1).toString().isEmpty(), "running a disabled pair must report a failure");
        // The change feed brings the operation's end to the row.
        QTRY_VERIFY_WITH_TIMEOUT(cell(m_pairB, SyncPairsModel::LastRunColumn).startsWith(QStringLiteral("completed")), 20000);
        QVERIFY2(!cell(m_pairB, SyncPairsModel::LastDurationColumn).isEmpty(),
                 QJsonDocument(m_page->model()->itemAt(m_page->model()->rowOf(m_pairB)).value(QStringLiteral("last_operation")).toObject()).toJson().constData());
        QVERIFY(cell(m_pairB, SyncPairsModel::SystemsColumn).size() > 0);
        m_page->selectId(m_pairB);
        QTest::qWait(300);
        grabWindow(QStringLiteral("syncpairs"));
    }

    void countersBacklogAndThroughput()
    {
        // Open quarantine comes from /api/quarantine/summary: pair B's run quarantined row 5.
        const qint64 open = api("GET", QStringLiteral("/api/sync-pairs/%1").arg(m_pairB)).json().value(QStringLiteral("open_quarantine")).toInteger();
        QVERIFY(open > 0);
        QTRY_COMPARE_WITH_TIMEOUT(cell(m_pairB, SyncPairsModel::OpenQuarantineColumn), QString::number(open), 10000);
        QCOMPARE(cell(m_pairA, SyncPairsModel::OpenQuarantineColumn), QStringLiteral("0"));
        // Backlog: nothing queued or running once the runs ended; A is disabled, never overdue.
        QTRY_COMPARE_WITH_TIMEOUT(cell(m_pairB, SyncPairsModel::BacklogColumn), QStringLiteral("0"), 10000);
        QCOMPARE(cell(m_pairA, SyncPairsModel::BacklogColumn), QStringLiteral("0"));
        QVERIFY(cell(m_pairB, SyncPairsModel::BacklogColumn, Qt::ToolTipRole).contains(QStringLiteral("0 operation(s) queued")));

        // Overdue: an enabled pair whose next run is past (by more than the grace) and not queued.
        console::PairCounters counters(m_window->client());
        QSignalSpy updated(&counters, &console::PairCounters::updated);
        counters.refresh();
        QVERIFY(updated.wait(10000));
        QCOMPARE(updated.first().at(0).toBool(), true);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const auto backlogOf = [&](bool enabled, qint64 nextRunInSeconds) {
            const QJsonObject pair { { QStringLiteral("id"), m_pairB },
                                     { QStringLiteral("enabled"), enabled },
                                     { QStringLiteral("next_run_at"), now.addSecs(nextRunInSeconds).toString(Qt::ISODate) } };
            const QJsonObject decorated = counters.decorate(pair, now);
            [&] { QCOMPARE(decorated.value(QStringLiteral("open_quarantine")).toInteger(), open); }();
            return decorated.value(QStringLiteral("backlog")).toObject();
        };
        QCOMPARE(backlogOf(true, -3600).value(QStringLiteral("overdue")).toBool(), true);
        QCOMPARE(backlogOf(true, -10).value(QStringLiteral("overdue")).toBool(), false); // within the grace
        QCOMPARE(backlogOf(true, 3600).value(QStringLiteral("overdue")).toBool(), false);
        QCOMPARE(backlogOf(false, -3600).value(QStringLiteral("overdue")).toBool(), false);
        QCOMPARE(backlogOf(true, -3600).value(QStringLiteral("queued")).toInt(), 0);

        // A run that cannot reach its target waits in the queue for its next attempt: backlog 1.
        const test::HttpResult dead = api(
            "POST", QStringLiteral("/api/systems"),
            QJsonObject { { QStringLiteral("name"), QStringLiteral("nobody home") },
                          { QStringLiteral("kind"), QStringLiteral("postgres") },
                          { QStringLiteral("settings"),
                            QJsonObject { { QStringLiteral("url"), QStringLiteral("postgresql://tf@127.0.0.1:%1/gone").arg(test::freePort()) } } } });
        QCOMPARE(dead.status, 201);
        const qint64 deadPair = create(QStringLiteral("/api/sync-pairs"),
                                       pairBody(QStringLiteral("dead target"), m_source, dead.json().value(QStringLiteral("id")).toInteger(),
                                                QStringLiteral("parcel")));
        QVERIFY(deadPair > 0);
        const qint64 waiting = startOperation({ { QStringLiteral("pair_id"), deadPair } });
        QVERIFY(waiting > 0);
        const QJsonObject queued = waitForOperation(waiting, [](const QJsonObject &op) {
            return op.value(QStringLiteral("status")).toString() == QLatin1String("queued") && op.value(QStringLiteral("attempt")).toInt() >= 1;
        });
        QCOMPARE(queued.value(QStringLiteral("status")).toString(), QStringLiteral("queued"));
        m_page->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(cell(deadPair, SyncPairsModel::BacklogColumn), QStringLiteral("1"), 10000);
        QVERIFY2(cell(deadPair, SyncPairsModel::BacklogColumn, Qt::ToolTipRole).contains(QStringLiteral("1 operation(s) queued and 0 running")),
                 qPrintable(cell(deadPair, SyncPairsModel::BacklogColumn, Qt::ToolTipRole)));
        QCOMPARE(cell(m_pairB, SyncPairsModel::BacklogColumn), QStringLiteral("0"));

        // The detail's sparkline: rows/s of B's finished operations, from the operations table's model.
        m_page->selectId(m_pairB);
        auto *sparkline = m_page->findChild<console::Sparkline *>(QStringLiteral("pairThroughput"));
        QVERIFY(sparkline);
        QTRY_VERIFY_WITH_TIMEOUT(!sparkline->points().isEmpty(), 10000);
        const QList<QPointF> points = sparkline->points();
        for (qsizetype i = 0; i < points.size(); ++i) {
            QVERIFY2(points.at(i).y() > 0, qPrintable(QString::number(points.at(i).y())));
            QVERIFY(i == 0 || points.at(i - 1).x() <= points.at(i).x()); // oldest first
        }
        QVERIFY(sparkline->toolTip().contains(QStringLiteral("rows/s")));

        // At 1280 px the "Source → target" names are not cut.
        const QAbstractItemView *table = m_page->table(); // sizeHintForColumn is public here
        QVERIFY(table->sizeHintForColumn(SyncPairsModel::SystemsColumn) > 0);
        const int width = m_page->table()->columnWidth(SyncPairsModel::SystemsColumn);
        QVERIFY2(width >= table->sizeHintForColumn(SyncPairsModel::SystemsColumn),
                 qPrintable(QStringLiteral("%1 < %2").arg(width)
                                    .arg(table->sizeHintForColumn(SyncPairsModel::SystemsColumn))));
        // ... and every column fits: no horizontal scrolling to reach Open quarantine.
        QVERIFY2(m_page->table()->horizontalHeader()->length() <= m_page->table()->viewport()->width(),
                 qPrintable(QStringLiteral("%1 > %2").arg(m_page->table()->horizontalHeader()->length())
                                    .arg(m_page->table()->viewport()->width())));
        QTest::qWait(300);
        QVERIFY(test::saveScreenshots(m_window.get(), QStringLiteral("syncpairs-backlog-throughput")));

        // Cancelled, it leaves the backlog (the change feed brings it to the page).
        QCOMPARE(api("POST", QStringLiteral("/api/sync-operations/%1/cancel").arg(waiting)).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(cell(deadPair, SyncPairsModel::BacklogColumn), QStringLiteral("0"), 10000);
    }

    void editorShowsA422OnItsFieldsThenCreates()
    {
        m_page->newPair();
        PairEditorDialog *dialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((dialog = m_page->findChild<PairEditorDialog *>()) != nullptr, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->isLoaded(), 10000);
        QVERIFY(dialog->isVisible());
        auto *source = dialog->findChild<QComboBox *>(QStringLiteral("sourceSystemCombo"));
        auto *target = dialog->findChild<QComboBox *>(QStringLiteral("targetSystemCombo"));
        source->setCurrentIndex(source->findData(m_source));
        target->setCurrentIndex(target->findData(m_target));
        auto *sourceEntity = dialog->findChild<QComboBox *>(QStringLiteral("sourceEntityCombo"));
        auto *targetEntity = dialog->findChild<QComboBox *>(QStringLiteral("targetEntityCombo"));
        // The entities come from the systems' catalogues.
        QTRY_VERIFY_WITH_TIMEOUT(sourceEntity->findText(QStringLiteral("parcel")) >= 0, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(targetEntity->findText(QStringLiteral("parcel_copy")) >= 0, 10000);
        sourceEntity->setCurrentText(QStringLiteral("parcel"));
        targetEntity->setCurrentText(QStringLiteral("parcel_copy"));
        QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("sourceKeyEdit"))->text(), QStringLiteral("id"));
        QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("targetKeyEdit"))->text(), QStringLiteral("source_id"));
        dialog->addMappingRow(QStringLiteral("source_id"), QStringLiteral("id"));
        dialog->addMappingRow(QStringLiteral("name"), QStringLiteral("name"), QStringLiteral("trim | uper"));
        dialog->addMappingRow(QStringLiteral("value"), QStringLiteral("value"));
        QVERIFY(dialog->isDirty());
        // No name and an unknown function: a 422 on both fields, and the dialog stays open.
        QSignalSpy failed(dialog, &PairEditorDialog::saveFailed);
        auto *buttons = dialog->findChild<QDialogButtonBox *>(QStringLiteral("editorButtons"));
        QTest::mouseClick(buttons->button(QDialogButtonBox::Save), Qt::LeftButton);
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.first().at(0).toInt(), 422);
        QVERIFY(dialog->isVisible());
        auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("nameEdit"));
        QVERIFY2(dialog->invalidFields().contains(QStringLiteral("name")), qPrintable(dialog->invalidFields().join(u',')));
        QVERIFY(name->property("invalid").toBool());
        QVERIFY(!name->toolTip().isEmpty());
        auto *mapping = dialog->findChild<QTableWidget *>(QStringLiteral("mappingTable"));
        QVERIFY2(mapping->property("invalid").toBool(), qPrintable(dialog->invalidFields().join(u',')));
        QVERIFY(!mapping->item(1, PairEditorDialog::TransformColumn)->toolTip().isEmpty());
        auto *summary = dialog->findChild<QLabel *>(QStringLiteral("errorSummary"));
        QVERIFY(summary->isVisible());
        QVERIFY(summary->text().contains(QStringLiteral("name")));
        grabDialog(dialog, QStringLiteral("paireditor-422"));

        // Corrected, it saves, closes, and the pair appears in the table.
        name->setText(QStringLiteral("parcels-new"));
        mapping->item(1, PairEditorDialog::TransformColumn)->setText(QStringLiteral("trim | upper"));
        QSignalSpy saved(dialog, &PairEditorDialog::saved);
        QTest::mouseClick(buttons->button(QDialogButtonBox::Save), Qt::LeftButton);
        QVERIFY2(saved.wait(10000), qPrintable(summary->text()));
        const qint64 id = saved.first().at(0).toJsonObject().value(QStringLiteral("id")).toInteger();
        QVERIFY(id > 0);
        QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(id) >= 0, 10000);
        QCOMPARE(cell(id, SyncPairsModel::NameColumn), QStringLiteral("parcels-new"));
        const QJsonObject stored = api("GET", QStringLiteral("/api/sync-pairs/%1").arg(id)).json();
        const QJsonArray fields = stored.value(QStringLiteral("definition")).toObject().value(QStringLiteral("entities")).toArray()
                                          .first().toObject().value(QStringLiteral("mapping")).toObject().value(QStringLiteral("fields")).toArray();
        QCOMPARE(fields.size(), 3);
        QCOMPARE(fields.at(1).toObject().value(QStringLiteral("transform")).toArray(),
                 (QJsonArray { QStringLiteral("trim"), QStringLiteral("upper") }));
        QTRY_VERIFY_WITH_TIMEOUT(m_page->findChild<PairEditorDialog *>() == nullptr, 5000);
        m_newPair = id;
    }

    void editorEditsWithIfMatchAndReportsA412()
    {
        m_page->selectId(m_newPair);
        m_page->editPair();
        PairEditorDialog *dialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((dialog = m_page->findChild<PairEditorDialog *>()) != nullptr, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->isLoaded(), 10000);
        auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("nameEdit"));
        QCOMPARE(name->text(), QStringLiteral("parcels-new"));
        QVERIFY(!dialog->isDirty());
        // Someone else changes the pair meanwhile.
        QVERIFY(api("POST", QStringLiteral("/api/sync-pairs/%1/disable").arg(m_newPair)).status == 200);
        dialog->findChild<QLineEdit *>(QStringLiteral("scheduleEdit"))->setText(QStringLiteral("0 3 * * *"));
        QSignalSpy failed(dialog, &PairEditorDialog::saveFailed);
        dialog->save();
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.first().at(0).toInt(), 412);
        auto *reload = dialog->findChild<QPushButton *>(QStringLiteral("reloadButton"));
        QVERIFY(reload->isVisible());
        QSignalSpy loaded(dialog, &PairEditorDialog::loaded);
        QTest::mouseClick(reload, Qt::LeftButton);
        QVERIFY(loaded.wait(10000));
        dialog->findChild<QLineEdit *>(QStringLiteral("scheduleEdit"))->setText(QStringLiteral("0 3 * * *"));
        QSignalSpy saved(dialog, &PairEditorDialog::saved);
        dialog->save();
        QVERIFY(saved.wait(10000));
        QCOMPARE(api("GET", QStringLiteral("/api/sync-pairs/%1").arg(m_newPair)).json().value(QStringLiteral("schedule")).toString(),
                 QStringLiteral("0 3 * * *"));
    }

    void viewerSeesTheActionsDisabled()
    {
        QVERIFY(api("POST", QStringLiteral("/api/users"),
                    QJsonObject { { QStringLiteral("username"), QStringLiteral("vera") },
                                  { QStringLiteral("password"), QStringLiteral("Pw-vera-correct-horse-9") },
                                  { QStringLiteral("role"), QStringLiteral("viewer") },
                                  { QStringLiteral("must_change_password"), false } })
                        .status == 201);
        const test::HttpResult login = test::http("POST", base() + QStringLiteral("/api/auth/login"),
                                                  test::compact({ { QStringLiteral("username"), QStringLiteral("vera") },
                                                            { QStringLiteral("password"), QStringLiteral("Pw-vera-correct-horse-9") } }),
                                                  { { "Content-Type", "application/json" } });
        const QByteArray token = login.json().value(QStringLiteral("token")).toString().toUtf8();
        QVERIFY2(!token.isEmpty(), login.body.constData());
        QSignalSpy signedIn(m_window->session(), &console::Session::signedIn);
        m_window->useToken(token);
        QVERIFY(signedIn.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->permissions()->role(), QStringLiteral("viewer"), 5000);
        for (const char *name : { "newPairAction", "editPairAction", "enablePairsAction", "disablePairsAction",
                                  "runPairsAction", "dryRunPairsAction", "approveSchemaChangeAction",
                                  "rejectSchemaChangeAction", "reviewSchemaChangeAction" }) {
            QAction *control = action(QString::fromLatin1(name));
            QVERIFY2(!control->isEnabled(), name);
            QVERIFY2(control->toolTip().contains(QStringLiteral("operator")), qPrintable(control->toolTip()));
        }
        // The viewer still reads the pairs.
        QSignalSpy refreshed(m_page, &SyncPairsPage::refreshed);
        m_page->refresh();
        QVERIFY(refreshed.wait(10000));
        QVERIFY(m_page->model()->rowOf(m_pairA) >= 0);
    }

    void columnsAreTheTableSaversAndTheSplitterThePages()
    {
        // The pairs table's columns are kept by MainWindow's TableStateSaver only; the page
        // keeps its splitter (and filters) under its own group.
        auto *table = m_page->findChild<QTableView *>(QStringLiteral("pairsTable"));
        QVERIFY(table);
        auto *saver = table->findChild<console::TableStateSaver *>();
        QVERIFY(saver);
        const QString tableKey = saver->settingsKey();
        table->horizontalHeader()->resizeSection(2, 173);
        auto *splitter = m_page->findChild<QSplitter *>(QStringLiteral("pairsSplitter"));
        QVERIFY(splitter);
        m_window.reset();
        m_page = nullptr;
        QSettings settings;
        QVERIFY(!settings.contains(QStringLiteral("pages/syncPairs/header")));
        QVERIFY(settings.contains(QStringLiteral("pages/syncPairs/splitter")));
        QVERIFY2(settings.contains(tableKey), qPrintable(tableKey));

        MainWindow second { QUrl(base()) };
        auto *restored = second.findChild<QTableView *>(QStringLiteral("pairsTable"));
        QVERIFY(restored);
        QCOMPARE(restored->horizontalHeader()->sectionSize(2), 173);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
    }

private:
    QString cell(qint64 id, int column, int role = Qt::DisplayRole) const
    {
        const int row = m_page->model()->rowOf(id);
        return row < 0 ? QString() : m_page->model()->index(row, column).data(role).toString();
    }
    QAction *action(const QString &name) const
    {
        auto *found = m_page->findChild<QAction *>(name);
        Q_ASSERT(found);
        return found;
    }
    void grabWindow(const QString &name) { grabWidget(m_window.get(), name); }
    void grabDialog(QWidget *dialog, const QString &name) { grabWidget(dialog, name); }
    void grabWidget(QWidget *widget, const QString &name)
    {
        DisplaySettings *display = DisplaySettings::instance();
        for (const auto theme : { DisplaySettings::Theme::Light, DisplaySettings::Theme::Dark }) {
            display->setTheme(theme);
            QApplication::processEvents();
            const QString path = m_shots + QLatin1Char('/') + name
                                 + (theme == DisplaySettings::Theme::Light ? QStringLiteral("-light.png") : QStringLiteral("-dark.png"));
            QVERIFY2(widget->grab().save(path), qPrintable(path));
            qInfo().noquote() << "screenshot:" << path;
        }
        display->setTheme(DisplaySettings::Theme::Light);
        QApplication::processEvents();
    }

    std::unique_ptr<MainWindow> m_window;
    SyncPairsPage *m_page = nullptr;
    QString m_shots;
    qint64 m_source = 0;
    qint64 m_target = 0;
    qint64 m_pairA = 0;
    qint64 m_pairB = 0;
    qint64 m_newPair = 0;
};

QTEST_MAIN(TestSyncPairsPage)
#include "tst_syncpairspage.moc"
