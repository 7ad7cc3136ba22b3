// PrefetchingBatchSource: the producer reads ahead on its own thread by at most `depth`
// batches; the sink's false, the producer's errors and the sink's errors behave as a direct
// call would.
#include "core/errors.h"
#include "sync/connectors/prefetchingreader.h"

#include <QThread>
#include <QtTest>
#include <atomic>

using namespace tf::sync;
using tf::sync::pg::PrefetchingBatchSource;
using namespace Qt::StringLiterals;

namespace {

SchemaPtr schema()
{
    return std::make_shared<const Schema>(QList<Column> { { u"id"_s, ValueType::Integer } });
}

// Produces rows 0..count-1, counting them, until addRow says stop.
struct Counter
{
    std::atomic<qint64> produced { 0 };
    std::atomic<bool> stoppedByConsumer { false };
    Qt::HANDLE thread = nullptr;

    PrefetchingBatchSource::RowProducer producer(qint64 count)
    {
        return [this, count](const tf::sync::pg::RowSink &addRow) {
            thread = QThread::currentThreadId();
            for (qint64 i = 0; i < count; ++i) {
                ++produced;
                if (!addRow(Row { i }, {})) {
                    stoppedByConsumer = true;
                    return;
                }
            }
        };
    }
};

} // namespace

class TestPrefetchingReader final : public QObject
{
    Q_OBJECT

private slots:
    void deliversEveryRowInOrderOnTheCallersThread();
    void readsAheadButNoFurtherThanTheQueue();
    void sinkFalseStopsTheProducer();
    void producerErrorArrivesAfterEarlierBatches();
    void sinkErrorStopsTheProducerAndIsRethrown();
    void emptyReadDeliversNothing();
    void emptyRowHandsOnTheRowsSoFar();
};

void TestPrefetchingReader::emptyRowHandsOnTheRowsSoFar()
{
    // 7 rows in batches of 5: the empty row after the last one hands rows 5 and 6 on while the
    // producer still works (it waits until the consumer has them), then nothing is left over.
    std::atomic<bool> tailSeen { false };
    std::atomic<bool> producerDone { false };
    std::atomic<bool> accepted { true };
    bool tailBeforeDone = false;
    QList<qsizetype> sizes;
    QList<qint64> ids;
    PrefetchingBatchSource::run(
        schema(), 5,
        [&](const tf::sync::pg::RowSink &addRow) {
            for (qint64 i = 0; i < 7; ++i)
                accepted = accepted && addRow(Row { i }, {});
            accepted = accepted && addRow(Row(), {});
            accepted = accepted && addRow(Row(), {}); // nothing gathered: no empty batch
            for (int waited = 0; !tailSeen && waited < 5000; waited += 10)
                QThread::msleep(10);
            producerDone = true;
        },
        [&](const RowBatch &batch) {
            sizes << batch.rows.size();
            for (const Row &row : batch.rows)
                ids << row.at(0).toLongLong();
            if (batch.rows.size() == 2) {
                tailBeforeDone = !producerDone; // handed on while the producer still works
                tailSeen = true;
            }
            return true;
        });
    QVERIFY(accepted.load());
    QVERIFY(tailBeforeDone);
    QCOMPARE(sizes, (QList<qsizetype> { 5, 2 }));
    QCOMPARE(ids, (QList<qint64> { 0, 1, 2, 3, 4, 5, 6 }));
    QVERIFY(producerDone.load());
}

void TestPrefetchingReader::deliversEveryRowInOrderOnTheCallersThread()
{
    Counter counter;
    qint64 next = 0;
    QList<qsizetype> sizes;
    PrefetchingBatchSource::run(schema(), 100, counter.producer(1050), [&](const RowBatch &batch) {
        [&] { QCOMPARE(QThread::currentThread(), thread()); }();
        [&] { QVERIFY(batch.schema); }();
        sizes << batch.rows.size();
        for (const Row &row : batch.rows)
            [&] { QCOMPARE(row.at(0).toLongLong(), next++); }();
        return true;
    });
    QCOMPARE(next, 1050);
    QCOMPARE(sizes.size(), 11);
    QCOMPARE(sizes.last(), 50);
    QVERIFY(counter.thread != QThread::currentThreadId());
}

void TestPrefetchingReader::readsAheadButNoFurtherThanTheQueue()
{
    Counter counter;
    QList<qint64> aheadAtFirstBatch;
    PrefetchingBatchSource::run(
        schema(), 10, counter.producer(1000),
        [&](const RowBatch &) {
            if (aheadAtFirstBatch.isEmpty()) {
                // While this batch is being consumed the producer fills the queue (2) and
                // the batch it is building (full, waiting to be queued): 10 + 20 + 10 rows.
                QDeadlineTimer deadline(5000);
                while (counter.produced.load() < 40 && !deadline.hasExpired())
                    QThread::msleep(1);
                QThread::msleep(50); // it would go further now if it could
                aheadAtFirstBatch << counter.produced.load();
            }
            return true;
        },
        2);
    QCOMPARE(aheadAtFirstBatch.value(0), qint64(40));
    QCOMPARE(counter.produced.load(), qint64(1000));
}

void TestPrefetchingReader::sinkFalseStopsTheProducer()
{
    Counter counter;
    int batches = 0;
    PrefetchingBatchSource::run(schema(), 10, counter.producer(1000000),
                                [&](const RowBatch &) { return ++batches < 3; });
    QCOMPARE(batches, 3);
    QVERIFY(counter.stoppedByConsumer.load());
    QVERIFY2(counter.produced.load() <= 10 * 6 + 1, qPrintable(QString::number(counter.produced.load())));
}

void TestPrefetchingReader::producerErrorArrivesAfterEarlierBatches()
{
    qint64 delivered = 0;
    try {
        PrefetchingBatchSource::run(
            schema(), 10,
            [](const tf::sync::pg::RowSink &addRow) {
                for (qint64 i = 0; i < 35; ++i)
                    addRow(Row { i }, {});
                throw tf::Error(tf::Error::Kind::Unavailable, u"database unavailable: gone"_s);
            },
            [&](const RowBatch &batch) {
                delivered += batch.rows.size();
                return true;
            });
        QFAIL("the producer's error was lost");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Unavailable);
        QCOMPARE(error.message(), u"database unavailable: gone"_s);
    }
    // The three full batches read before the error; the partial one is not a batch.
    QCOMPARE(delivered, qint64(30));
}

void TestPrefetchingReader::sinkErrorStopsTheProducerAndIsRethrown()
{
    Counter counter;
    try {
        PrefetchingBatchSource::run(schema(), 10, counter.producer(1000000), [&](const RowBatch &) -> bool {
            throw tf::Error(tf::Error::Kind::Validation, u"no"_s);
        });
        QFAIL("the sink's error was lost");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
    }
    QVERIFY(counter.stoppedByConsumer.load());
    QVERIFY(counter.produced.load() < 1000);
}

void TestPrefetchingReader::emptyReadDeliversNothing()
{
    Counter counter;
    int batches = 0;
    PrefetchingBatchSource::run(schema(), 10, counter.producer(0), [&](const RowBatch &) {
        ++batches;
        return true;
    });
    QCOMPARE(batches, 0);
}

QTEST_GUILESS_MAIN(TestPrefetchingReader)
#include "tst_prefetchingreader.moc"
