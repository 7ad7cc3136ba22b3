// The Backups page and the restore dialog against a real tf-gateway supervising a real tf-syncd
// (SQLite control database): Create Backup with a label runs as a job with a progress bar and
// lists the new, verified backup; the restore dialog keeps Restore disabled for a mistyped
// name, then restores (a safety backup first) and the system created after the backup is gone;
// Delete asks first and removes the file; a viewer and an auditor find every write disabled.
// Screenshots (light and dark) go to <build>/console-screenshots/.
#include "adminpagefixture.h"
#include "dialogs/restoredialog.h"
#include "models/backupsmodel.h"
#include "pages/backupspage.h"
#include "screenshots.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTimer>

using namespace tf;
using console::BackupsModel;
using console::BackupsPage;
using console::RestoreDialog;

class TestBackupsPage final : public QObject, public test::AdminPageFixture<BackupsPage>
{
    Q_OBJECT

private slots:
    void initTestCase();
    void createsABackupAsAJob();
    void restoreRefusesAMistypedNameThenRestores();
    void deleteAsksFirst();
    void viewerAndAuditorCannotWrite();
    void cleanupTestCase();

private:
    bool hasSystem(const QString &name)
    {
        const QJsonArray items = api("GET", QStringLiteral("/api/systems")).json().value(QStringLiteral("items")).toArray();
        for (const QJsonValue &item : items)
            if (item.toObject().value(QStringLiteral("name")).toString() == name)
                return true;
        return false;
    }

    std::unique_ptr<QAbstractItemModelTester> m_tester;
    QString m_backup;
};

void TestBackupsPage::initTestCase()
{
    QVERIFY(setUpAdminPage(QStringLiteral("tst_backupspage"), QStringLiteral("backups:restore")));
    m_tester = std::make_unique<QAbstractItemModelTester>(m_page->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(showPage(1100, 560));
    bool refreshedOk = false;
    QVERIFY(refreshPage(&refreshedOk));
    QVERIFY(refreshedOk);
}

void TestBackupsPage::createsABackupAsAJob()
{
    const int before = m_page->model()->rowCount();
    auto *progress = m_page->findChild<QProgressBar *>(QStringLiteral("backupProgress"));
    QVERIFY(progress);
    QSignalSpy created(m_page.get(), &BackupsPage::backupCreated);
    QTest::keyClicks(m_page->labelEdit(), QStringLiteral("before-restore"));
    m_page->createAction()->trigger();
    QVERIFY(progress->isVisible());
    QVERIFY(!m_page->createAction()->isEnabled()); // one backup at a time from here
    QVERIFY(created.wait(60000));
    QVERIFY2(created.first().at(1).toBool(), qPrintable(m_page->statusText()));
    m_backup = created.first().first().toString();
    QVERIFY2(m_backup.contains(QStringLiteral("before-restore")), qPrintable(m_backup));
    QVERIFY(!progress->isVisible());
    QVERIFY(m_page->createAction()->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowCount(), before + 1, 10000);
    const int row = m_page->model()->rowOfName(m_backup);
    QVERIFY(row >= 0);
    QCOMPARE(m_page->model()->index(row, BackupsModel::VerifiedColumn).data().toString(), QStringLiteral("verified"));
    QCOMPARE(m_page->model()->index(row, BackupsModel::BackendColumn).data().toString(), QStringLiteral("sqlite"));
    QVERIFY(m_page->model()->index(row, BackupsModel::SchemaColumn).data().toInt() > 0);
    QVERIFY(!m_page->model()->index(row, BackupsModel::SizeColumn).data().toString().isEmpty());
    QCOMPARE(m_page->model()->resetCount(), 0);
    QVERIFY(m_page->selectName(m_backup));
    QVERIFY(test::saveScreenshots(m_page.get(), QStringLiteral("backups-page")));
}

void TestBackupsPage::restoreRefusesAMistypedNameThenRestores()
{
    // Made after the backup: the restore takes the database back to before it.
    QVERIFY(createSqliteSystem(QStringLiteral("made after the backup"), QStringLiteral("after.db")) > 0);
    QVERIFY(hasSystem(QStringLiteral("made after the backup")));

    QVERIFY(m_page->selectName(m_backup));
    QSignalSpy opened(m_page.get(), &BackupsPage::restoreDialogOpened);
    m_page->restoreAction()->trigger();
    QCOMPARE(opened.size(), 1);
    RestoreDialog *dialog = m_page->restoreDialog();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    auto *explanation = dialog->findChild<QLabel *>(QStringLiteral("restoreExplanation"));
    QVERIFY(explanation);
    for (const char *promise : { "safety backup", "paused", "users and tokens" })
        QVERIFY2(explanation->text().contains(QLatin1String(promise)), promise);
    QVERIFY(!dialog->restoreButton()->isEnabled());

    QTest::keyClicks(dialog->nameEdit(), m_backup.chopped(1)); // one character short
    QVERIFY(!dialog->restoreButton()->isEnabled());
    auto *mismatch = dialog->findChild<QLabel *>(QStringLiteral("restoreNameMismatch"));
    QVERIFY(mismatch && !mismatch->isVisible());
    QTest::keyClicks(dialog->nameEdit(), QStringLiteral("x")); // the right length, a wrong name
    QVERIFY(!dialog->restoreButton()->isEnabled());
    QVERIFY(mismatch->isVisible());
    dialog->restoreButton()->click(); // refused: nothing starts
    QVERIFY(dialog->statusText().isEmpty());
    QVERIFY(test::saveScreenshots(dialog, QStringLiteral("restore-dialog-mistyped")));

    dialog->nameEdit()->clear();
    QTest::keyClicks(dialog->nameEdit(), m_backup);
    QVERIFY(dialog->restoreButton()->isEnabled());
    QSignalSpy restored(dialog, &RestoreDialog::restored);
    QSignalSpy failed(dialog, &RestoreDialog::failed);
    QTest::mouseClick(dialog->restoreButton(), Qt::LeftButton);
    QVERIFY(!dialog->restoreButton()->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(restored.size() + failed.size(), 1, 120000);
    QVERIFY2(restored.size() == 1, qPrintable(dialog->statusText()));
    const QJsonObject result = restored.first().first().toJsonObject().value(QStringLiteral("result")).toObject();
    const QString safety = result.value(QStringLiteral("safety_backup")).toString();
    QVERIFY2(!safety.isEmpty(), QJsonDocument(result).toJson().constData());
    QVERIFY2(dialog->statusText().contains(safety), qPrintable(dialog->statusText()));
    QVERIFY(test::saveScreenshots(dialog, QStringLiteral("restore-dialog-done")));
    QVERIFY(!hasSystem(QStringLiteral("made after the backup")));
    // The page lists the safety backup too.
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOfName(safety) >= 0, 10000);
    dialog->close();
}

void TestBackupsPage::deleteAsksFirst()
{
    QVERIFY(m_page->selectName(m_backup));
    QString question;
    QTimer accept;
    accept.setInterval(50);
    connect(&accept, &QTimer::timeout, this, [&] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        question = box->text();
        box->button(QMessageBox::Yes)->click();
    });
    accept.start();
    QSignalSpy deleted(m_page.get(), &BackupsPage::backupDeleted);
    m_page->deleteAction()->trigger();
    QVERIFY(deleted.size() == 1 || deleted.wait(10000));
    accept.stop();
    QVERIFY2(question.contains(m_backup), qPrintable(question));
    QVERIFY2(deleted.first().at(1).toBool(), qPrintable(m_page->statusText()));
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowOfName(m_backup), -1, 10000);
    QCOMPARE(api("GET", QStringLiteral("/api/backups/") + m_backup).status, 404);
}

void TestBackupsPage::viewerAndAuditorCannotWrite()
{
    for (const char *role : { "viewer", "auditor" }) {
        const QJsonObject me = meOfNewUser(QStringLiteral("backups-") + QLatin1String(role), QLatin1String(role));
        QCOMPARE(me.value(QStringLiteral("role")).toString(), QLatin1String(role));
        m_permissions->setFromMe(me);
        for (QAction *action : { m_page->createAction(), m_page->deleteAction(), m_page->restoreAction() }) {
            QVERIFY2(!action->isEnabled(), qPrintable(action->objectName()));
            QVERIFY2(action->toolTip().contains(QStringLiteral("admin")), qPrintable(action->toolTip()));
        }
        QVERIFY(!m_page->labelEdit()->isEnabled());
    }
    QVERIFY(test::saveScreenshots(m_page.get(), QStringLiteral("backups-page-viewer")));
    m_permissions->setFromMe(m_adminMe);
    QVERIFY(m_page->restoreAction()->isEnabled());
}

void TestBackupsPage::cleanupTestCase()
{
    m_tester.reset();
    tearDownAdminPage();
}

QTEST_MAIN(TestBackupsPage)
#include "tst_backupspage.moc"
