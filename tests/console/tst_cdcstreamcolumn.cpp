// The sync pairs table's Stream column for cdc pairs, fed the pair detail objects
// GET /api/sync-pairs/{id} answers (their `cdc` member): lag and median latency in the cell,
// every figure in the tooltip, orange when the stream is stopped or its WAL is at risk, sorted
// by lag, empty for the other modes. A screenshot of the table goes to
// <build>/console-screenshots/syncpairs-cdc-stream.png.
#include "models/resourcetablemodel.h"
#include "models/syncpairsmodel.h"
#include "widgets/syncpairstable.h"

#include <QApplication>
#include <QDir>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonObject>
#include <QTableView>
#include <QTest>

using tf::console::ResourceTableModel;
using tf::console::SyncPairsModel;

namespace {

QJsonObject pair(qint64 id, const QString &name, const QString &mode, const QJsonValue &cdc)
{
    return { { QStringLiteral("id"), id },
             { QStringLiteral("name"), name },
             { QStringLiteral("source_system_id"), 1 },
             { QStringLiteral("target_system_id"), 2 },
             { QStringLiteral("enabled"), true },
             { QStringLiteral("definition"), QJsonObject { { QStringLiteral("mode"), mode } } },
             { QStringLiteral("open_quarantine"), 0 },
             { QStringLiteral("cdc"), cdc } };
}

QJsonObject stream(bool streaming, qint64 lag, const QString &walStatus, double p50)
{
    return { { QStringLiteral("streaming"), streaming },
             { QStringLiteral("operation_id"), 42 },
             { QStringLiteral("reported_at"), QStringLiteral("2026-12-04T04:30:00.000Z") },
             { QStringLiteral("applied_lsn"), QStringLiteral("16/B374D848") },
             { QStringLiteral("transactions"), 1234 },
             { QStringLiteral("lag_bytes"), lag },
             { QStringLiteral("wal_status"), walStatus },
             { QStringLiteral("latency_last_ms"), 35.2 },
             { QStringLiteral("latency_p50_ms"), p50 },
             { QStringLiteral("latency_p99_ms"), 180.0 },
             { QStringLiteral("latency_max_ms"), 950.0 } };
}

} // namespace

class TestCdcStreamColumn final : public QObject
{
    Q_OBJECT

    SyncPairsModel m_model;

    QString cell(int row, int role = Qt::DisplayRole) const
    {
        return m_model.index(row, SyncPairsModel::StreamColumn).data(role).toString();
    }

private slots:
    void initTestCase()
    {
        m_model.applyItems(QJsonArray { pair(1, QStringLiteral("parcels live"), QStringLiteral("cdc"),
                                             stream(true, 12 * 1024, QStringLiteral("reserved"), 40)),
                                        pair(2, QStringLiteral("permits live"), QStringLiteral("cdc"),
                                             stream(false, 3LL * 1024 * 1024 * 1024, QStringLiteral("unreserved"), 61)),
                                        pair(3, QStringLiteral("nightly owners"), QStringLiteral("hash"), QJsonValue()) });
        QCOMPARE(m_model.rowCount(), 3);
    }

    void streamingPairShowsLagAndLatency()
    {
        QCOMPARE(m_model.headerData(SyncPairsModel::StreamColumn, Qt::Horizontal).toString(), QStringLiteral("Stream"));
        QCOMPARE(cell(0), QStringLiteral("streaming · lag 12.0 kB · p50 40 ms"));
        const QString tip = cell(0, Qt::ToolTipRole);
        QVERIFY2(tip.contains(QStringLiteral("Applied up to 16/B374D848 (1234 source transactions)")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("last 35 ms, p50 40 ms, p99 180 ms, max 950 ms")), qPrintable(tip));
        QVERIFY(!m_model.index(0, SyncPairsModel::StreamColumn).data(Qt::ForegroundRole).isValid());
        QCOMPARE(m_model.index(0, SyncPairsModel::StreamColumn).data(ResourceTableModel::SortRole).toLongLong(), 12 * 1024);
    }

    void stoppedPairWithWalAtRiskStandsOut()
    {
        QCOMPARE(cell(1), QStringLiteral("stopped · lag 3.0 GB · p50 61 ms · WAL unreserved"));
        QVERIFY(m_model.index(1, SyncPairsModel::StreamColumn).data(Qt::ForegroundRole).isValid());
    }

    void otherModesShowNothing()
    {
        QVERIFY(!m_model.index(2, SyncPairsModel::StreamColumn).data().isValid());
        QVERIFY(!m_model.index(2, SyncPairsModel::StreamColumn).data(Qt::ToolTipRole).isValid());
    }

    // The table shows the column only while a cdc pair is listed (at 1280 px the other columns
    // fill the width).
    void columnShownOnlyWithCdcPairs()
    {
        SyncPairsModel hashOnly;
        hashOnly.applyItems(QJsonArray { pair(3, QStringLiteral("nightly owners"), QStringLiteral("hash"), QJsonValue()) });
        const auto name = [](qint64 id) { return QStringLiteral("system %1").arg(id); };
        tf::console::SyncPairsTable hashTable(&hashOnly, &hashOnly, name);
        QVERIFY(hashTable.isColumnHidden(SyncPairsModel::StreamColumn));
        hashOnly.upsert(pair(4, QStringLiteral("parcels live"), QStringLiteral("cdc"), QJsonObject()));
        QVERIFY(!hashTable.isColumnHidden(SyncPairsModel::StreamColumn));

        tf::console::SyncPairsTable table(&m_model, &m_model, name);
        QVERIFY(!table.isColumnHidden(SyncPairsModel::StreamColumn));
    }

    void screenshot()
    {
        tf::console::SyncPairsTable view(&m_model, &m_model, [](qint64 id) { return QStringLiteral("system %1").arg(id); });
        view.resize(1280, 200);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QString dir = QDir(QCoreApplication::applicationDirPath() + QStringLiteral("/../console-screenshots")).absolutePath();
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(view.grab().save(dir + QStringLiteral("/syncpairs-cdc-stream.png")));
    }
};

QTEST_MAIN(TestCdcStreamColumn)
#include "tst_cdcstreamcolumn.moc"
