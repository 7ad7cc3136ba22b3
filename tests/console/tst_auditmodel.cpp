// AuditModel against a real tf-gateway (SQLite control database, 600 seeded entries): pages
// arrive lazily by keyset through fetchMore, only a window of pages stays loaded and an evicted
// page comes back when a row of it is asked for, the total is the filter's true total from
// /api/audit/summary, answers for an earlier filter are dropped, locate() walks the chain,
// fetchToEnd() reads the last page from the oldest end in one request (the rows between are
// placeholders that fill from the nearer end and close up when the ends meet), also before the
// total is known (the placeholders are resized when it arrives), and refresh()
// puts new entries on top without a reset and without moving the ids of the oldest rows.
// QAbstractItemModelTester watches every step.
#include "auditseed.h"
#include "client/gatewayclient.h"
#include "integration/tst_gatewayproxy_fixture.h"
#include "models/auditmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace tf;
using console::AuditModel;

class TestAuditModel final : public QObject, private test::GatewayProxyFixture
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
        QVERIFY(startGateway(env));
        QVERIFY(!m_authorization.isEmpty());
        m_seeded = test::seedAuditTrail(dataDir(), 600, QDateTime::currentDateTimeUtc().addDays(-2));
        m_client.setBaseUrl(QUrl(base()));
        m_client.setBearerToken(m_authorization.mid(int(qstrlen("Bearer "))));
    }

    void pagesLazilyInAWindow()
    {
        AuditModel model(&m_client);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        connect(&model, &AuditModel::loadFailed, this, [](const QString &message) { qWarning("load failed: %s", qPrintable(message)); });
        model.setPageSize(50);
        model.setWindowPages(3);
        model.setFilter(bob());
        // (The tester calls fetchMore itself after each change, so more pages may follow at once.)
        QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() >= 50, 10000);
        QCOMPARE(model.rowCount() % 50, 0);
        QTRY_COMPARE_WITH_TIMEOUT(model.total(), 300, 10000); // the true total, not what is loaded
        while (model.rowCount() < 300) {
            const int before = model.rowCount();
            model.fetchMore({});
            QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() > before, 10000);
            QVERIFY(model.loadedPages() <= 3);
        }
        QTRY_VERIFY_WITH_TIMEOUT(!model.canFetchMore({}), 5000);
        QVERIFY(model.atEnd());
        QCOMPARE(model.rowCount(), 300);
        QCOMPARE(model.loadedRows(), 150); // three pages of fifty, whatever the trail's length

        // Half the pages were evicted (the tester keeps reading row 0, so page 0 stays): such a
        // row is a placeholder until asked for.
        int evicted = 0;
        while (evicted < model.rowCount() && model.isLoaded(evicted))
            ++evicted;
        QVERIFY(evicted < model.rowCount());
        QCOMPARE(model.data(model.index(evicted, AuditModel::IdColumn), AuditModel::LoadedRole).toBool(), false);
        QCOMPARE(model.data(model.index(evicted, AuditModel::DescriptionColumn)).toString(), QStringLiteral("Loading…"));
        QTRY_VERIFY_WITH_TIMEOUT(model.isLoaded(evicted), 10000);
        QCOMPARE(model.entryAt(evicted).value(QStringLiteral("id")).toInteger(), m_seeded.at(598 - 2 * evicted).id);
        model.data(model.index(0, 0));
        QTRY_VERIFY_WITH_TIMEOUT(model.isLoaded(0), 10000);
        QVERIFY(model.loadedPages() <= 3);
        QCOMPARE(model.entryAt(0).value(QStringLiteral("id")).toInteger(), m_seeded.at(598).id);
        // Every row read back in order: ids fall and every row is bob's.
        qint64 previous = std::numeric_limits<qint64>::max();
        for (int row = 0; row < model.rowCount(); ++row) {
            model.data(model.index(row, AuditModel::IdColumn)); // asks for the page
            QTRY_VERIFY_WITH_TIMEOUT(model.isLoaded(row), 10000);
            const QJsonObject entry = model.entryAt(row);
            QCOMPARE(entry.value(QStringLiteral("username")).toString(), QStringLiteral("bob"));
            QVERIFY(entry.value(QStringLiteral("id")).toInteger() < previous);
            previous = entry.value(QStringLiteral("id")).toInteger();
            QVERIFY(model.loadedPages() <= 3);
        }
        QCOMPARE(previous, m_seeded.at(0).id);
        QCOMPARE(model.data(model.index(1, AuditModel::UserColumn)).toString(), QStringLiteral("bob"));
        QCOMPARE(model.data(model.index(0, AuditModel::TargetColumn)).toString(), QStringLiteral("sync_pair %1").arg(598 % 7));
    }

    void fetchesOnlyWhenAsked()
    {
        // No tester here: it calls fetchMore itself. The first page, and nothing more until asked.
        AuditModel model(&m_client);
        model.setPageSize(50);
        model.setFilter(bob());
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 50, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(model.total(), 300, 10000);
        QTest::qWait(200);
        QCOMPARE(model.rowCount(), 50);
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QVERIFY(!model.canFetchMore({})); // one request at a time
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 100, 10000);
        QVERIFY(model.canFetchMore({}));
    }

    void staleAnswersAreDropped()
    {
        AuditModel model(&m_client);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        connect(&model, &AuditModel::loadFailed, this, [](const QString &message) { qWarning("load failed: %s", qPrintable(message)); });
        model.setPageSize(20);
        model.setFilter(bob());
        const quint64 first = model.generation();
        QUrlQuery alice;
        alice.addQueryItem(QStringLiteral("username"), QStringLiteral("alice"));
        alice.addQueryItem(QStringLiteral("event_type"), QStringLiteral("sync_pair.updated"));
        model.setFilter(alice); // bob's page and summary are on their way: they must not land
        QVERIFY(model.generation() > first);
        QTRY_COMPARE_WITH_TIMEOUT(model.total(), 60, 10000);
        // The tester calls fetchMore after every change, so the whole list arrives: 60, not 300.
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 60, 10000);
        QTest::qWait(300); // room for a late answer of the old filter to (wrongly) arrive
        QCOMPARE(model.rowCount(), 60);
        QCOMPARE(model.total(), 60);
        for (int row = 0; row < model.rowCount(); ++row) {
            QCOMPARE(model.entryAt(row).value(QStringLiteral("username")).toString(), QStringLiteral("alice"));
            QCOMPARE(model.entryAt(row).value(QStringLiteral("event_type")).toString(), QStringLiteral("sync_pair.updated"));
        }
    }

    void locatesAndFetchesToTheEnd()
    {
        AuditModel model(&m_client);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        connect(&model, &AuditModel::loadFailed, this, [](const QString &message) { qWarning("load failed: %s", qPrintable(message)); });
        model.setPageSize(40);
        model.setWindowPages(2);
        model.setFilter(bob());
        QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() >= 40, 10000);
        int found = -2;
        qint64 foundId = 0; // read in the callback: later pages may evict it again
        model.locate(m_seeded.at(100).id, [&](int row) {
            found = row;
            foundId = model.entryAt(row).value(QStringLiteral("id")).toInteger();
        });
        QTRY_VERIFY_WITH_TIMEOUT(found != -2, 10000);
        QCOMPARE(found, (598 - 100) / 2); // bob writes every second entry
        QCOMPARE(foundId, m_seeded.at(100).id);
        found = -2;
        model.locate(m_seeded.at(101).id, [&found](int row) { found = row; }); // alice's: not in this list
        QTRY_COMPARE_WITH_TIMEOUT(found, -1, 10000);

        QSignalSpy end(&model, &AuditModel::endReached);
        model.fetchToEnd();
        QTRY_COMPARE_WITH_TIMEOUT(end.size(), 1, 10000); // at once when the tester fetched everything already
        QCOMPARE(model.rowCount(), 300);
        model.data(model.index(299, 0)); // (read back if the window moved on meanwhile)
        QTRY_VERIFY_WITH_TIMEOUT(model.isLoaded(299), 10000);
        QCOMPARE(model.entryAt(299).value(QStringLiteral("id")).toInteger(), m_seeded.at(0).id);
        QVERIFY(model.loadedPages() <= 2);
    }

    void refreshPutsNewEntriesOnTop()
    {
        AuditModel model(&m_client);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        connect(&model, &AuditModel::loadFailed, this, [](const QString &message) { qWarning("load failed: %s", qPrintable(message)); });
        model.setPageSize(30);
        model.setFilter(bob());
        QTRY_COMPARE_WITH_TIMEOUT(model.total(), 300, 10000);
        model.fetchToEnd(); // (the tester fetches them all anyway) so that the count below is exact
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 300, 10000);
        QSignalSpy resets(&model, &AuditModel::modelReset);
        QSignalSpy inserted(&model, &AuditModel::rowsInserted);
        const QList<db::AuditEntry> more = test::seedAuditTrail(dataDir(), 6, QDateTime::currentDateTimeUtc());
        model.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 303, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(model.total(), 303, 10000);
        QCOMPARE(resets.size(), 0);
        QCOMPARE(inserted.first().at(1).toInt(), 0);
        QCOMPARE(model.entryAt(0).value(QStringLiteral("id")).toInteger(), more.at(4).id);
        QCOMPARE(model.entryAt(3).value(QStringLiteral("id")).toInteger(), m_seeded.at(598).id);
    }

    void jumpsToTheEndInOneRequest()
    {
        // No tester: it would fetch the whole list from the newest end by itself.
        AuditModel model(&m_client);
        connect(&model, &AuditModel::loadFailed, this, [](const QString &message) { qWarning("load failed: %s", qPrintable(message)); });
        model.setPageSize(20);
        model.setWindowPages(3);
        model.setFilter(bob());
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 20, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(model.total() >= 300, 10000); // (refreshPutsNewEntriesOnTop added some)
        const int total = int(model.total());
        const int before = model.requestsSent();
        QSignalSpy end(&model, &AuditModel::endReached);
        model.fetchToEnd();
        QTRY_COMPARE_WITH_TIMEOUT(end.size(), 1, 10000);
        QCOMPARE(model.requestsSent() - before, 1); // the oldest page, not the 14 pages before it
        QCOMPARE(model.rowCount(), total);
        QCOMPARE(model.gapRows(), total - 40);
        QCOMPARE(model.fetchedRows(), 40);
        // The k-th oldest entry is row total - 1 - k (bob writes every second entry).
        QVERIFY(model.isLoaded(total - 1));
        QCOMPARE(model.entryAt(total - 1).value(QStringLiteral("id")).toInteger(), m_seeded.at(0).id);
        QCOMPARE(model.entryAt(total - 20).value(QStringLiteral("id")).toInteger(), m_seeded.at(38).id);
        QVERIFY(!model.canFetchMore({})); // every row is counted
        // A row between the ends is a placeholder; asked for, the nearer end reads on.
        QVERIFY(!model.isLoaded(total - 21));
        QCOMPARE(model.data(model.index(total - 21, AuditModel::DescriptionColumn)).toString(), QStringLiteral("Loading…"));
        QTRY_VERIFY_WITH_TIMEOUT(model.isLoaded(total - 21), 10000);
        QCOMPARE(model.requestsSent() - before, 2);
        QCOMPARE(model.entryAt(total - 21).value(QStringLiteral("id")).toInteger(), m_seeded.at(40).id);
        QCOMPARE(model.gapRows(), total - 60);

        // New entries on top: the rows shift down by as many, the ids at the bottom stay.
        const QList<db::AuditEntry> more = test::seedAuditTrail(dataDir(), 4, QDateTime::currentDateTimeUtc());
        QSignalSpy resets(&model, &AuditModel::modelReset);
        model.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), total + 2, 10000);
        QCOMPARE(resets.size(), 0);
        QCOMPARE(model.entryAt(0).value(QStringLiteral("id")).toInteger(), more.at(2).id);
        QCOMPARE(model.entryAt(total + 1).value(QStringLiteral("id")).toInteger(), m_seeded.at(0).id);
        QCOMPARE(model.rowOfId(m_seeded.at(40).id), total + 1 - 20);
    }

    void theEndsMeetWithoutAGapOrADuplicate()
    {
        AuditModel model(&m_client);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        connect(&model, &AuditModel::loadFailed, this, [](const QString &message) { qWarning("load failed: %s", qPrintable(message)); });
        model.setPageSize(25);
        model.setWindowPages(4);
        model.setFilter(bob());
        QTRY_VERIFY_WITH_TIMEOUT(model.total() >= 300, 10000);
        const int total = int(model.total());
        QSignalSpy end(&model, &AuditModel::endReached);
        model.fetchToEnd();
        QTRY_COMPARE_WITH_TIMEOUT(end.size(), 1, 10000);
        // Every row read from the bottom up: ids rise by bob's step, no gap, no duplicate, and
        // the placeholders are gone once the ends have met.
        qint64 previous = 0;
        for (int row = model.rowCount() - 1; row >= 0; --row) {
            model.data(model.index(row, AuditModel::IdColumn));
            QTRY_VERIFY_WITH_TIMEOUT(model.isLoaded(row), 10000);
            const qint64 id = model.entryAt(row).value(QStringLiteral("id")).toInteger();
            QVERIFY2(id > previous, qPrintable(QStringLiteral("row %1: id %2 after %3").arg(row).arg(id).arg(previous)));
            QCOMPARE(model.entryAt(row).value(QStringLiteral("username")).toString(), QStringLiteral("bob"));
            previous = id;
            QVERIFY(model.loadedPages() <= 4);
        }
        QTRY_COMPARE_WITH_TIMEOUT(model.gapRows(), 0, 10000);
        QCOMPARE(model.rowCount(), total);
        QVERIFY(model.atEnd());
    }

    void jumpsBeforeTheTotalIsKnown()
    {
        // Ctrl+End right after the filter: the oldest page is placed at once, the gap sized by
        // the ids between the ends (bob writes every second entry: about twice too many rows),
        // then resized to the true total when it arrives, without touching the oldest rows.
        AuditModel model(&m_client);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        connect(&model, &AuditModel::loadFailed, this, [](const QString &message) { qWarning("load failed: %s", qPrintable(message)); });
        model.setPageSize(25);
        model.setWindowPages(4);
        model.setFilter(bob());
        qint64 totalAtEnd = 0;
        qint64 oldestAtEnd = 0;
        int rowsAtEnd = 0;
        connect(&model, &AuditModel::endReached, this, [&] {
            totalAtEnd = model.total();
            rowsAtEnd = model.rowCount();
            oldestAtEnd = model.entryAt(model.rowCount() - 1).value(QStringLiteral("id")).toInteger();
        }, Qt::SingleShotConnection);
        model.fetchToEnd(); // the first page and the summary are not in yet
        QTRY_VERIFY_WITH_TIMEOUT(rowsAtEnd > 0, 10000);
        QCOMPARE(totalAtEnd, -1);               // the jump did not wait for the count
        QCOMPARE(oldestAtEnd, m_seeded.at(0).id); // the last row is the oldest entry, loaded
        QTRY_VERIFY_WITH_TIMEOUT(model.total() >= 300, 10000);
        const int total = int(model.total());
        // The ids between the ends are everyone's entries, not only bob's.
        QVERIFY2(rowsAtEnd > total, qPrintable(QStringLiteral("%1 rows before the total, %2 after").arg(rowsAtEnd).arg(total)));
        QCOMPARE(model.rowCount(), total); // the gap shrank to the rows not read yet
        QCOMPARE(model.gapRows(), total - model.fetchedRows());
        model.data(model.index(total - 1, 0)); // (read back if the tester's reads moved the window on)
        QTRY_VERIFY_WITH_TIMEOUT(model.isLoaded(total - 1), 10000);
        QCOMPARE(model.entryAt(total - 1).value(QStringLiteral("id")).toInteger(), m_seeded.at(0).id);
        QCOMPARE(model.rowOfId(m_seeded.at(0).id), total - 1);
        // Read from the bottom up: bob's entries in order, no placeholder left, none twice.
        qint64 previous = 0;
        for (int row = model.rowCount() - 1; row >= 0; --row) {
            model.data(model.index(row, AuditModel::IdColumn));
            QTRY_VERIFY_WITH_TIMEOUT(model.isLoaded(row), 10000);
            const qint64 id = model.entryAt(row).value(QStringLiteral("id")).toInteger();
            QVERIFY2(id > previous, qPrintable(QStringLiteral("row %1: id %2 after %3").arg(row).arg(id).arg(previous)));
            QCOMPARE(model.entryAt(row).value(QStringLiteral("username")).toString(), QStringLiteral("bob"));
            previous = id;
        }
        QCOMPARE(model.gapRows(), 0);
        QCOMPARE(model.rowCount(), total);
    }

    void theGapUsedUpAtAPageBoundaryStillMeets()
    {
        // Forty entries, pages of ten: the oldest page and the first page leave a gap of two
        // pages exactly. The newest end fills it with full pages, so nothing it reads overlaps
        // the oldest end; it reads once more by itself for the ends to meet. Otherwise the
        // list would never end, and the next total (refresh) would put a placeholder back.
        AuditModel model(&m_client); // no tester: it would read the gap by itself
        connect(&model, &AuditModel::loadFailed, this, [](const QString &message) { qWarning("load failed: %s", qPrintable(message)); });
        QUrlQuery window;
        window.addQueryItem(QStringLiteral("created_after"),
                            m_seeded.at(100).createdAt.addMSecs(-500).toString(Qt::ISODateWithMs));
        window.addQueryItem(QStringLiteral("created_before"),
                            m_seeded.at(139).createdAt.addMSecs(500).toString(Qt::ISODateWithMs));
        model.setPageSize(10);
        model.setFilter(window);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 10, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(model.total(), 40, 10000);
        QSignalSpy end(&model, &AuditModel::endReached);
        model.fetchToEnd();
        QTRY_COMPARE_WITH_TIMEOUT(end.size(), 1, 10000);
        QCOMPARE(model.gapRows(), 20);
        for (int row = 10; row < 30; row += 10) { // from the top: the newest end reads
            model.data(model.index(row, AuditModel::IdColumn));
            QTRY_VERIFY_WITH_TIMEOUT(model.isLoaded(row), 10000);
        }
        QCOMPARE(model.gapRows(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(model.atEnd(), 10000);
        const int requests = model.requestsSent();
        model.refresh(); // nothing new in the window: the rows and the total stay
        QTRY_VERIFY_WITH_TIMEOUT(model.requestsSent() > requests, 10000);
        QTest::qWait(300);
        QTRY_COMPARE_WITH_TIMEOUT(model.total(), 40, 10000);
        QCOMPARE(model.rowCount(), 40);
        QCOMPARE(model.gapRows(), 0);
        for (int row = 0; row < 40; ++row) {
            model.data(model.index(row, AuditModel::IdColumn));
            QTRY_VERIFY_WITH_TIMEOUT(model.isLoaded(row), 10000);
            QCOMPARE(model.entryAt(row).value(QStringLiteral("id")).toInteger(), m_seeded.at(139 - row).id);
        }
    }

    void theFirstPageIsNeverReadAgain()
    {
        // The first page has no cursor of its own: read again after entries were written it
        // would show those instead of its rows. It stays loaded however small the window.
        AuditModel model(&m_client); // no tester: it reads row 0 at every change
        connect(&model, &AuditModel::loadFailed, this, [](const QString &message) { qWarning("load failed: %s", qPrintable(message)); });
        model.setPageSize(20);
        model.setWindowPages(2);
        model.setFilter(bob());
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 20, 10000);
        QList<qint64> firstPage;
        for (int row = 0; row < 20; ++row)
            firstPage.append(model.entryAt(row).value(QStringLiteral("id")).toInteger());
        QVERIFY(firstPage.constFirst() > 0);
        for (int pages = 2; pages <= 4; ++pages) { // three more pages through a window of two
            model.fetchMore({});
            QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 20 * pages, 10000);
            model.data(model.index(20 * pages - 1, 0));
        }
        QVERIFY(model.loadedPages() <= 2);
        QVERIFY(model.isLoaded(0));
        QVERIFY(!model.isLoaded(20)); // the second page went
        test::seedAuditTrail(dataDir(), 2, QDateTime::currentDateTimeUtc()); // one of them bob's
        model.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 81, 10000);
        model.data(model.index(1, 0));
        QTRY_VERIFY_WITH_TIMEOUT(model.isLoaded(1), 10000);
        for (int row = 1; row <= 20; ++row) // the same entries, one row down
            QCOMPARE(model.entryAt(row).value(QStringLiteral("id")).toInteger(), firstPage.at(row - 1));
    }

private:
    static QUrlQuery bob()
    {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("username"), QStringLiteral("bob"));
        return query;
    }

    console::GatewayClient m_client;
    QList<db::AuditEntry> m_seeded;
};

QTEST_MAIN(TestAuditModel)
#include "tst_auditmodel.moc"
