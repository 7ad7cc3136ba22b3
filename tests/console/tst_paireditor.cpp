// The pair editor's issue-14 sections against a real tf-gateway supervising a real tf-syncd
// over SQLite systems: an existing pair with every field set loads and saves back the very
// body it was stored with; validation rules, cursor (enabled only in cursor mode), delete
// policy and depends_on reach the server when edited; the schedule shows its next five runs
// as the scheduler computes them (or the parser's error, the server staying the authority);
// Test pair shows the first rows mapped and validated without writing anything; unsaved
// changes to the new fields still ask before the dialog closes. Screenshots (light and dark)
// of the whole editor and of the preview go to <build>/console-screenshots/.
#include "integration/tst_gatewayproxy_fixture.h"
#include "screenshots.h"

#include "client/apierror.h"
#include "dialogs/paireditordialog.h"
#include "mainwindow.h"
#include "models/session.h"
#include "models/syncpairsmodel.h"
#include "pages/syncpairspage.h"
#include "settings/displaysettings.h"
#include "widgets/crontimespreview.h"
#include "widgets/cursoreditor.h"
#include "widgets/deletepolicyeditor.h"
#include "widgets/dependsoneditor.h"
#include "widgets/mappingpreview.h"
#include "widgets/validationruleseditor.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>
#include <QTimer>

using namespace tf;
using tf::test::proxyfixture::field;
using console::CronTimesPreview;
using console::DisplaySettings;
using console::MainWindow;
using console::MappingPreview;
using console::PairEditorDialog;
using console::SyncPairsPage;

namespace {

QJsonObject rule(const char *field, const char *name, const QJsonObject &arguments = {})
{
    QJsonObject rule { { QStringLiteral("field"), QLatin1String(field) }, { QStringLiteral("rule"), QLatin1String(name) } };
    for (auto it = arguments.begin(); it != arguments.end(); ++it)
        rule.insert(it.key(), it.value());
    return rule;
}

} // namespace

class TestPairEditor final : public QObject, public test::GatewayProxyFixture
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TerraFusionTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_paireditor"));
        QSettings().clear();
        DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
        DisplaySettings::instance()->setTimeZone(DisplaySettings::TimeZone::Local);
        QVERIFY(m_dir.isValid());
        makeSourceAndTarget(30, { 5 });
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
        QVERIFY(startGateway(env));
        m_source = createSqliteSystem(QStringLiteral("county-source"), QStringLiteral("source.db"));
        m_target = createSqliteSystem(QStringLiteral("cama-target"), QStringLiteral("target.db"));
        QVERIFY(m_source > 0 && m_target > 0);
        m_full = create(QStringLiteral("/api/sync-pairs"), fullDefinition());
        QVERIFY(m_full > 0);

        m_window = std::make_unique<MainWindow>(QUrl(base()));
        m_window->resize(1280, 760);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QSignalSpy signedIn(m_window->session(), &console::Session::signedIn);
        m_window->useToken(m_authorization.mid(int(qstrlen("Bearer "))));
        QVERIFY(signedIn.wait(10000));
        m_window->showPage(QStringLiteral("syncPairs"));
        m_page = m_window->findChild<SyncPairsPage *>();
        QVERIFY(m_page);
        QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(m_full) >= 0, 10000);
    }

    void anUnchangedPairSavesTheBodyItWasLoadedWith()
    {
        const QJsonObject stored = definitionOf(m_full);
        QVERIFY(stored.contains(QStringLiteral("cursor")) && stored.contains(QStringLiteral("delete_policy")));
        PairEditorDialog *dialog = openEditor(m_full);
        QVERIFY(dialog);
        QCOMPARE(dialog->definition(), stored);
        QVERIFY(!dialog->isDirty());

        // Every section shows what is stored.
        auto *cursor = dialog->findChild<QComboBox *>(QStringLiteral("cursorColumnCombo"));
        QCOMPARE(cursor->currentText(), QStringLiteral("value"));
        QVERIFY(cursor->isEnabled()); // the pair's mode is cursor
        QCOMPARE(dialog->findChild<QSpinBox *>(QStringLiteral("reconcileEverySpin"))->value(), 5);
        auto *action = dialog->findChild<QComboBox *>(QStringLiteral("deleteActionCombo"));
        QCOMPARE(action->currentData().toString(), QStringLiteral("soft_delete"));
        auto *column = dialog->findChild<QLineEdit *>(QStringLiteral("softDeleteColumnEdit"));
        QCOMPARE(column->text(), QStringLiteral("is_deleted"));
        QVERIFY(column->isEnabled());
        auto *rules = dialog->findChild<QTableWidget *>(QStringLiteral("validationTable"));
        QCOMPARE(rules->rowCount(), 10);
        QCOMPARE(rules->item(3, console::ValidationRulesEditor::ArgumentsColumn)->text(), QStringLiteral("100000.00"));
        QCOMPARE(rules->item(7, console::ValidationRulesEditor::ArgumentsColumn)->text(), QStringLiteral("parcel_copy.source_id"));
        auto *depends = dialog->findChild<QListWidget *>(QStringLiteral("dependsOnList"));
        QCOMPARE(depends->count(), 1);
        QCOMPARE(depends->item(0)->text(), QStringLiteral("owner"));
        QCOMPARE(depends->item(0)->checkState(), Qt::Checked);

        QTest::qWait(100);
        QVERIFY(test::saveScreenshots(dialog, QStringLiteral("paireditor-every-field")));

        // Saved unchanged, the server holds the very same definition.
        QSignalSpy saved(dialog, &PairEditorDialog::saved);
        dialog->save();
        QVERIFY(saved.wait(10000));
        QCOMPARE(definitionOf(m_full), stored);
    }

    void editedSectionsReachTheServer()
    {
        PairEditorDialog *dialog = openEditor(m_full);
        QVERIFY(dialog);
        auto *mode = dialog->findChild<QComboBox *>(QStringLiteral("modeCombo"));
        auto *cursor = dialog->findChild<QComboBox *>(QStringLiteral("cursorColumnCombo"));
        // The cursor is for cursor mode only, and keeps its column meanwhile.
        mode->setCurrentText(QStringLiteral("hash"));
        QVERIFY(!cursor->isEnabled());
        QVERIFY(!dialog->findChild<QSpinBox *>(QStringLiteral("reconcileEverySpin"))->isEnabled());
        mode->setCurrentText(QStringLiteral("cursor"));
        QVERIFY(cursor->isEnabled());
        cursor->setCurrentText(QStringLiteral("id"));
        dialog->findChild<QSpinBox *>(QStringLiteral("reconcileEverySpin"))->setValue(7);
        auto *action = dialog->findChild<QComboBox *>(QStringLiteral("deleteActionCombo"));
        action->setCurrentIndex(action->findData(QStringLiteral("ignore")));
        QVERIFY(!dialog->findChild<QLineEdit *>(QStringLiteral("softDeleteColumnEdit"))->isEnabled());
        auto *rules = dialog->findChild<QTableWidget *>(QStringLiteral("validationTable"));
        rules->setRowCount(0);
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("addRuleButton")), Qt::LeftButton);
        QCOMPARE(rules->rowCount(), 1);
        // Add Rule opens the new row's field for typing.
        auto *fieldEditor = rules->viewport()->findChild<QLineEdit *>();
        QVERIFY(fieldEditor);
        QTest::keyClicks(fieldEditor, QStringLiteral("value"));
        QTest::keyClick(fieldEditor, Qt::Key_Return);
        QTRY_COMPARE(rules->item(0, console::ValidationRulesEditor::FieldColumn)->text(), QStringLiteral("value"));
        rules->item(0, console::ValidationRulesEditor::RuleColumn)->setText(QStringLiteral("max_value"));
        rules->item(0, console::ValidationRulesEditor::ArgumentsColumn)->setText(QStringLiteral("1000"));
        rules->item(0, console::ValidationRulesEditor::MessageColumn)->setText(QStringLiteral("too big"));
        auto *depends = dialog->findChild<QListWidget *>(QStringLiteral("dependsOnList"));
        depends->item(0)->setCheckState(Qt::Unchecked);
        QVERIFY(dialog->isDirty());
        // A rule the server does not know: its cell and the table are marked, the dialog stays.
        rules->item(0, console::ValidationRulesEditor::RuleColumn)->setText(QStringLiteral("max_valeu"));
        QSignalSpy failed(dialog, &PairEditorDialog::saveFailed);
        dialog->save();
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.first().at(0).toInt(), 422);
        QVERIFY2(rules->property("invalid").toBool(), qPrintable(dialog->invalidFields().join(u',')));
        QVERIFY(rules->item(0, console::ValidationRulesEditor::RuleColumn)->toolTip().contains(QStringLiteral("max_valeu")));
        QVERIFY(!dialog->findChild<QFrame *>(QStringLiteral("validationFrame"))->styleSheet().isEmpty());
        rules->item(0, console::ValidationRulesEditor::RuleColumn)->setText(QStringLiteral("max_value"));
        QSignalSpy saved(dialog, &PairEditorDialog::saved);
        dialog->save();
        QVERIFY(saved.wait(10000));

        const QJsonObject stored = definitionOf(m_full);
        QCOMPARE(stored.value(QStringLiteral("cursor")).toObject(),
                 (QJsonObject { { QStringLiteral("column"), QStringLiteral("id") }, { QStringLiteral("reconcile_every"), 7 } }));
        QCOMPARE(stored.value(QStringLiteral("delete_policy")).toObject(),
                 (QJsonObject { { QStringLiteral("action"), QStringLiteral("ignore") } }));
        const QJsonObject entity = stored.value(QStringLiteral("entities")).toArray().first().toObject();
        QCOMPARE(entity.value(QStringLiteral("validation")).toArray(),
                 (QJsonArray { rule("value", "max_value", { { QStringLiteral("value"), 1000 }, { QStringLiteral("message"), QStringLiteral("too big") } }) }));
        QCOMPARE(entity.value(QStringLiteral("depends_on")).toArray(), QJsonArray());
        // What the form does not show is still there.
        QCOMPARE(stored.value(QStringLiteral("verify_schedule")).toString(), QStringLiteral("0 4 * * SUN"));
        QCOMPARE(entity.value(QStringLiteral("delete_policy")).toObject().value(QStringLiteral("action")).toString(),
                 QStringLiteral("ignore"));
        QCOMPARE(stored.value(QStringLiteral("entities")).toArray().size(), 2);
    }

    void theScheduleShowsItsNextRunsOrTheParsersError()
    {
        // An enabled scheduled pair: its next_run_at is what the scheduler computed.
        QJsonObject body = pairBody(QStringLiteral("scheduled"), m_source, m_target, QStringLiteral("parcel"));
        body.insert(QStringLiteral("schedule"), QStringLiteral("15 2 * * MON-SAT"));
        const qint64 id = create(QStringLiteral("/api/sync-pairs"), body);
        QVERIFY(id > 0);
        const QDateTime nextRun = QDateTime::fromString(
            api("GET", QStringLiteral("/api/sync-pairs/%1").arg(id)).json().value(QStringLiteral("next_run_at")).toString(), Qt::ISODateWithMs);
        QVERIFY(nextRun.isValid());
        PairEditorDialog *dialog = openEditor(id);
        QVERIFY(dialog);
        auto *preview = dialog->findChild<CronTimesPreview *>(QStringLiteral("cronPreview"));
        QVERIFY(preview->isVisible());
        QCOMPARE(preview->runs().size(), 5);
        QCOMPARE(preview->runs().first(), nextRun);
        for (int i = 0; i < preview->runs().size(); ++i) {
            const QDateTime run = preview->runs().at(i).toLocalTime();
            QCOMPARE(run.time(), QTime(2, 15));
            QVERIFY(run.date().dayOfWeek() != Qt::Sunday);
            if (i > 0)
                QVERIFY(preview->runs().at(i) > preview->runs().at(i - 1));
        }
        // The console's time zone: the same moments, written in UTC.
        DisplaySettings::instance()->setTimeZone(DisplaySettings::TimeZone::Utc);
        QVERIFY2(preview->text().contains(preview->runs().first().toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                                          + QStringLiteral(" UTC")),
                 qPrintable(preview->text()));
        DisplaySettings::instance()->setTimeZone(DisplaySettings::TimeZone::Local);
        QVERIFY(preview->text().contains(DisplaySettings::instance()->formatDateTime(preview->runs().at(4))));

        // An invalid expression: the parser's message, and the server still decides.
        auto *schedule = dialog->findChild<QLineEdit *>(QStringLiteral("scheduleEdit"));
        schedule->setText(QStringLiteral("15 2 * * MOX"));
        QVERIFY(preview->runs().isEmpty());
        QVERIFY2(preview->error().contains(QStringLiteral("day-of-week")), qPrintable(preview->error()));
        QVERIFY(preview->text().contains(preview->error()));
        QVERIFY(dialog->findChild<QDialogButtonBox *>(QStringLiteral("editorButtons"))->button(QDialogButtonBox::Save)->isEnabled());
        QSignalSpy failed(dialog, &PairEditorDialog::saveFailed);
        dialog->save();
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.first().at(0).toInt(), 422);
        QVERIFY(dialog->invalidFields().contains(QStringLiteral("schedule")));
        schedule->clear();
        QVERIFY(preview->runs().isEmpty() && preview->error().isEmpty());
        discard(dialog);
    }

    void testPairShowsTheMappedRowsOfTheUnsavedForm()
    {
        const QJsonArray pairsBefore = api("GET", QStringLiteral("/api/sync-pairs")).json().value(QStringLiteral("items")).toArray();
        m_page->newPair();
        PairEditorDialog *dialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((dialog = m_page->findChild<PairEditorDialog *>()) != nullptr, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->isLoaded(), 10000);
        auto *source = dialog->findChild<QComboBox *>(QStringLiteral("sourceSystemCombo"));
        auto *target = dialog->findChild<QComboBox *>(QStringLiteral("targetSystemCombo"));
        source->setCurrentIndex(source->findData(m_source));
        target->setCurrentIndex(target->findData(m_target));
        auto *sourceEntity = dialog->findChild<QComboBox *>(QStringLiteral("sourceEntityCombo"));
        auto *targetEntity = dialog->findChild<QComboBox *>(QStringLiteral("targetEntityCombo"));
        QTRY_VERIFY_WITH_TIMEOUT(sourceEntity->findText(QStringLiteral("parcel")) >= 0, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(targetEntity->findText(QStringLiteral("parcel_copy")) >= 0, 10000);
        sourceEntity->setCurrentText(QStringLiteral("parcel"));
        targetEntity->setCurrentText(QStringLiteral("parcel_copy"));
        // The cursor column is offered from the source entity's columns.
        QTRY_VERIFY(dialog->findChild<QComboBox *>(QStringLiteral("cursorColumnCombo"))->findText(QStringLiteral("value")) >= 0);
        dialog->findChild<QLineEdit *>(QStringLiteral("nameEdit"))->setText(QStringLiteral("previewed"));
        dialog->addMappingRow(QStringLiteral("source_id"), QStringLiteral("id"));
        dialog->addMappingRow(QStringLiteral("name"), QStringLiteral("name"), QStringLiteral("trim | upper"));
        dialog->addMappingRow(QStringLiteral("value"), QStringLiteral("value"));
        auto *rules = dialog->findChild<console::ValidationRulesEditor *>();
        rules->addRule(QStringLiteral("value"), QStringLiteral("min_value"), QStringLiteral("0"));
        dialog->findChild<QLineEdit *>(QStringLiteral("scheduleEdit"))->setText(QStringLiteral("0 2 * * MON-SAT"));
        dialog->findChild<QSpinBox *>(QStringLiteral("previewLimitSpin"))->setValue(12);

        auto *preview = dialog->findChild<MappingPreview *>();
        QSignalSpy previewed(preview, &MappingPreview::previewed);
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("testPairButton")), Qt::LeftButton);
        QVERIFY(previewed.wait(15000));
        auto *table = dialog->findChild<QTableWidget *>(QStringLiteral("previewTable"));
        QCOMPARE(table->rowCount(), 12);
        QCOMPARE(table->columnCount(), 5);
        QCOMPARE(table->horizontalHeaderItem(1)->text(), QStringLiteral("source_id"));
        QCOMPARE(table->horizontalHeaderItem(4)->text(), QStringLiteral("Validation"));
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("1"));
        QCOMPARE(table->item(0, 2)->text(), QStringLiteral("PARCEL 1"));
        QCOMPARE(table->item(0, 3)->text(), QStringLiteral("10"));
        QVERIFY(table->item(0, 4)->text().contains(QStringLiteral("valid")));
        QCOMPARE(table->item(4, 3)->text(), QStringLiteral("-5"));
        QVERIFY2(table->item(4, 4)->text().startsWith(QStringLiteral("✗ value")), qPrintable(table->item(4, 4)->text()));
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("previewStatus"))->text().contains(QStringLiteral("1 invalid")));
        // Nothing was written or stored.
        QCOMPARE(count(m_dir.filePath(QStringLiteral("target.db")), QStringLiteral("parcel_copy")), 0);
        QCOMPARE(api("GET", QStringLiteral("/api/sync-pairs")).json().value(QStringLiteral("items")).toArray().size(), pairsBefore.size());
        QVERIFY(dialog->isDirty());
        QTest::qWait(200);
        QVERIFY(test::saveScreenshots(dialog, QStringLiteral("paireditor-full")));
        QVERIFY(test::saveScreenshots(preview, QStringLiteral("paireditor-preview")));

        // A form the real schemas refuse: the server names the field, the form marks it.
        table->setRowCount(0);
        dialog->findChild<QTableWidget *>(QStringLiteral("mappingTable"))->item(1, PairEditorDialog::SourceColumn)->setText(QStringLiteral("nmae"));
        QStringList refusedFields;
        connect(preview, &MappingPreview::refused, this, [&refusedFields](const console::ApiError &error) {
            for (const console::ApiFieldError &field : error.errors)
                refusedFields << field.field;
        });
        preview->testAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!refusedFields.isEmpty(), 15000);
        QVERIFY2(refusedFields.first().startsWith(QStringLiteral("entities[0].mapping.fields[1]")), qPrintable(refusedFields.join(u',')));
        QVERIFY2(dialog->findChild<QTableWidget *>(QStringLiteral("mappingTable"))->property("invalid").toBool(),
                 qPrintable(dialog->invalidFields().join(u',')));
        QCOMPARE(table->rowCount(), 0);
        discard(dialog);
    }

    void unsavedChangesToTheNewSectionsStillAsk()
    {
        PairEditorDialog *dialog = openEditor(m_full);
        QVERIFY(dialog);
        QVERIFY(!dialog->isDirty());
        auto *action = dialog->findChild<QComboBox *>(QStringLiteral("deleteActionCombo"));
        action->setCurrentIndex(action->findData(QStringLiteral("propagate")));
        QVERIFY(dialog->isDirty());
        answerNextQuestion(QMessageBox::Cancel);
        dialog->reject();
        QVERIFY(m_asked);
        QVERIFY(dialog->isVisible());
        action->setCurrentIndex(action->findData(QStringLiteral("ignore"))); // as stored again
        QVERIFY(!dialog->isDirty());
        dialog->findChild<QListWidget *>(QStringLiteral("dependsOnList"))->item(0)->setCheckState(Qt::Checked);
        QVERIFY(dialog->isDirty());
        dialog->findChild<QListWidget *>(QStringLiteral("dependsOnList"))->item(0)->setCheckState(Qt::Unchecked);
        auto *rules = dialog->findChild<QTableWidget *>(QStringLiteral("validationTable"));
        rules->item(0, console::ValidationRulesEditor::ArgumentsColumn)->setText(QStringLiteral("999"));
        QVERIFY(dialog->isDirty());
        discard(dialog);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
    }

private:
    // Every field set: pair-level cursor and soft delete, an entity override, every rule,
    // depends_on on a second entity, verify_schedule, disabled.
    QJsonObject fullDefinition() const
    {
        QJsonObject body = pairBody(QStringLiteral("every-field"), m_source, m_target, QStringLiteral("parcel"));
        body.insert(QStringLiteral("description"), QStringLiteral("all the sections"));
        body.insert(QStringLiteral("mode"), QStringLiteral("cursor"));
        body.insert(QStringLiteral("schedule"), QStringLiteral("0 2 * * MON-SAT"));
        body.insert(QStringLiteral("verify_schedule"), QStringLiteral("0 4 * * SUN"));
        body.insert(QStringLiteral("batch_size"), 250);
        body.insert(QStringLiteral("invalid_rows"), QStringLiteral("fail"));
        body.insert(QStringLiteral("enabled"), false);
        body.insert(QStringLiteral("cursor"), QJsonObject { { QStringLiteral("column"), QStringLiteral("value") },
                                                            { QStringLiteral("reconcile_every"), 5 } });
        body.insert(QStringLiteral("delete_policy"), QJsonObject { { QStringLiteral("action"), QStringLiteral("soft_delete") },
                                                                   { QStringLiteral("column"), QStringLiteral("is_deleted") } });
        QJsonArray entities = body.value(QStringLiteral("entities")).toArray();
        QJsonObject parcel = entities.at(0).toObject();
        QJsonObject name = field("name", "name");
        name.insert(QStringLiteral("transform"),
                    QJsonArray { QStringLiteral("trim"), QJsonObject { { QStringLiteral("fn"), QStringLiteral("default") },
                                                                      { QStringLiteral("args"), QJsonArray { QStringLiteral("none") } } } });
        parcel.insert(QStringLiteral("mapping"),
                      QJsonObject { { QStringLiteral("fields"), QJsonArray { field("source_id", "id"), name, field("value", "value") } } });
        parcel.insert(QStringLiteral("validation"),
                      QJsonArray { rule("name", "required"),
                                   rule("name", "type", { { QStringLiteral("value"), QStringLiteral("string") } }),
                                   rule("value", "min_value", { { QStringLiteral("value"), 0 } }),
                                   rule("value", "max_value", { { QStringLiteral("value"), QStringLiteral("100000.00") } }),
                                   rule("name", "pattern", { { QStringLiteral("value"), QStringLiteral("^parcel \\d+$") } }),
                                   rule("name", "enum", { { QStringLiteral("values"), QJsonArray { QStringLiteral("a"), 2, true } } }),
                                   rule("source_id", "unique"),
                                   rule("source_id", "reference", { { QStringLiteral("entity"), QStringLiteral("parcel_copy") },
                                                                    { QStringLiteral("column"), QStringLiteral("source_id") } }),
                                   rule("name", "min_length", { { QStringLiteral("value"), 1 } }),
                                   rule("name", "max_length", { { QStringLiteral("value"), 200 }, { QStringLiteral("message"), QStringLiteral("name is too long") } }) });
        parcel.insert(QStringLiteral("depends_on"), QJsonArray { QStringLiteral("owner") });
        parcel.insert(QStringLiteral("mode"), QStringLiteral("hash"));
        parcel.insert(QStringLiteral("delete_policy"), QJsonObject { { QStringLiteral("action"), QStringLiteral("ignore") } });
        entities[0] = parcel;
        QJsonObject owner = entities.at(0).toObject();
        owner = QJsonObject { { QStringLiteral("name"), QStringLiteral("owner") },
                              { QStringLiteral("source"), parcel.value(QStringLiteral("source")) },
                              { QStringLiteral("target"), parcel.value(QStringLiteral("target")) },
                              { QStringLiteral("mapping"), QJsonObject { { QStringLiteral("fields"), QJsonArray { field("source_id", "id") } } } } };
        entities.append(owner);
        body.insert(QStringLiteral("entities"), entities);
        return body;
    }

    QJsonObject definitionOf(qint64 id)
    {
        return api("GET", QStringLiteral("/api/sync-pairs/%1").arg(id)).json().value(QStringLiteral("definition")).toObject();
    }

    PairEditorDialog *openEditor(qint64 id)
    {
        QDeadlineTimer deadline(15000);
        while (!deadline.hasExpired() && m_page->model()->rowOf(id) < 0)
            QTest::qWait(20);
        m_page->selectId(id);
        m_page->editPair();
        PairEditorDialog *dialog = nullptr;
        while (!deadline.hasExpired() && !((dialog = m_page->findChild<PairEditorDialog *>()) && dialog->isLoaded()))
            QTest::qWait(20);
        return dialog && dialog->isLoaded() ? dialog : nullptr;
    }

    void answerNextQuestion(QMessageBox::StandardButton answer)
    {
        m_asked = false;
        auto *timer = new QTimer(this);
        timer->setInterval(20);
        connect(timer, &QTimer::timeout, this, [this, timer, answer] {
            for (QWidget *widget : QApplication::topLevelWidgets()) {
                auto *box = qobject_cast<QMessageBox *>(widget);
                if (box && box->isVisible()) {
                    m_asked = true;
                    timer->deleteLater();
                    box->button(answer)->click();
                    return;
                }
            }
        });
        timer->start();
    }

    void discard(PairEditorDialog *dialog)
    {
        if (dialog->isDirty())
            answerNextQuestion(QMessageBox::Discard);
        dialog->reject();
        QTRY_VERIFY_WITH_TIMEOUT(m_page->findChild<PairEditorDialog *>() == nullptr, 5000);
    }

    std::unique_ptr<MainWindow> m_window;
    SyncPairsPage *m_page = nullptr;
    qint64 m_source = 0;
    qint64 m_target = 0;
    qint64 m_full = 0;
    bool m_asked = false;
};

QTEST_MAIN(TestPairEditor)
#include "tst_paireditor.moc"
