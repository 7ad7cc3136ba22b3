// WriterThread: jobs are written on one thread of its own, in order, at most `depth` waiting;
// their `done` runs on the caller's thread in the same order; a failed job stops the writer,
// drops what was queued behind it and reaches the caller unchanged after the `done` of every
// job before it. With two threads, two jobs are written at once and a later one may end first,
// yet `done` keeps the submission order, and a failure reports every job before it, never one
// after it.
#include "core/errors.h"
#include "sync/engine/writerthread.h"

#include <QMutex>
#include <QSemaphore>
#include <QThread>
#include <QtTest>
#include <atomic>

using namespace tf;
using namespace tf::sync;
using namespace Qt::StringLiterals;

class TestWriterThread final : public QObject
{
    Q_OBJECT

private slots:
    void writesInOrderOnItsOwnThreadAndReportsOnTheCallers();
    void submitBlocksWhileTheQueueIsFull();
    void errorDropsTheQueueAndReachesTheCallerUnchanged();
    void waitIdleWaitsForTheJobBeingWritten();
    void destructorWritesWhatWasQueued();
    void twoThreadsWriteAtOnceAndReportInOrder();
    void twoThreadsFailureReportsOnlyTheJobsBeforeIt();
};

void TestWriterThread::writesInOrderOnItsOwnThreadAndReportsOnTheCallers()
{
    QList<int> written; // writer thread only
    QList<int> done; // caller only
    std::atomic<Qt::HANDLE> writerThread { nullptr };
    {
        WriterThread writer(2);
        for (int i = 0; i < 50; ++i) {
            writer.submit({ [&, i] {
                               writerThread = QThread::currentThreadId();
                               written << i;
                           },
                            [&, i] {
                                QCOMPARE(QThread::currentThread(), thread());
                                done << i;
                            },
                            {} });
        }
        writer.drain();
        QCOMPARE(done.size(), 50);
    }
    QList<int> expected;
    for (int i = 0; i < 50; ++i)
        expected << i;
    QCOMPARE(written, expected);
    QCOMPARE(done, expected);
    QVERIFY(writerThread.load() != nullptr);
    QVERIFY(writerThread.load() != QThread::currentThreadId());
}

void TestWriterThread::submitBlocksWhileTheQueueIsFull()
{
    QSemaphore release;
    std::atomic<int> started { 0 };
    WriterThread writer(2);
    const auto job = [&] {
        return WriterThread::Job { [&] {
                                      ++started;
                                      release.acquire();
                                  },
                                   {},
                                   {} };
    };
    writer.submit(job()); // being written, held
    QTRY_COMPARE(started.load(), 1);
    writer.submit(job()); // queued 1
    writer.submit(job()); // queued 2: full
    std::atomic<bool> fourthQueued { false };
    std::unique_ptr<QThread> submitter(QThread::create([&] {
        writer.submit(job());
        fourthQueued = true;
    }));
    submitter->start();
    QTest::qWait(200);
    QVERIFY(!fourthQueued); // 1 being written + 2 waiting: the 4th waits for a slot
    release.release(1);
    QTRY_VERIFY(fourthQueued.load());
    submitter->wait();
    release.release(3);
    writer.drain();
    QCOMPARE(started.load(), 4);
}

void TestWriterThread::errorDropsTheQueueAndReachesTheCallerUnchanged()
{
    QSemaphore release;
    QList<int> done;
    QList<int> failed;
    std::atomic<int> written { 0 };
    WriterThread writer(3);
    const auto job = [&](int i, bool throws) {
        return WriterThread::Job {
            [&, i, throws] {
                release.acquire();
                if (throws)
                    throw Error(Error::Kind::Unavailable, u"target gone at %1"_s.arg(i),
                                QJsonObject { { u"sqlstate"_s, u"08006"_s } });
                ++written;
            },
            [&, i] { done << i; }, [&, i] { failed << i; }
        };
    };
    writer.submit(job(0, false));
    writer.submit(job(1, true));
    writer.submit(job(2, false));
    writer.submit(job(3, false));
    release.release(4);
    try {
        writer.drain();
        QFAIL("the writer's error was not rethrown");
    } catch (const Error &error) {
        QCOMPARE(error.kind(), Error::Kind::Unavailable);
        QCOMPARE(error.message(), u"target gone at 1"_s);
        QCOMPARE(error.details().value(u"sqlstate"_s).toString(), u"08006"_s);
    }
    QCOMPARE(done, QList<int> { 0 });
    QCOMPARE(failed, QList<int> { 1 });
    QCOMPARE(written.load(), 1); // 2 and 3 were dropped, never written
    // Later calls still fail (the writer has stopped); `failed` ran once.
    QVERIFY_THROWS_EXCEPTION(Error, writer.submit(job(4, false)));
    QVERIFY_THROWS_EXCEPTION(Error, writer.collect());
    QCOMPARE(failed, QList<int> { 1 });
    QCOMPARE(written.load(), 1);
}

void TestWriterThread::waitIdleWaitsForTheJobBeingWritten()
{
    std::atomic<bool> finished { false };
    bool doneRan = false;
    WriterThread writer;
    writer.submit({ [&] {
                       QThread::msleep(150);
                       finished = true;
                   },
                    [&] { doneRan = true; },
                    {} });
    writer.waitIdle();
    QVERIFY(finished.load());
    QVERIFY(!doneRan); // waitIdle runs no `done`
    writer.collect();
    QVERIFY(doneRan);
}

void TestWriterThread::destructorWritesWhatWasQueued()
{
    std::atomic<int> written { 0 };
    bool doneRan = false;
    {
        WriterThread writer(2);
        for (int i = 0; i < 3; ++i) {
            writer.submit({ [&] {
                               QThread::msleep(30);
                               ++written;
                           },
                            [&] { doneRan = true; },
                            {} });
        }
    }
    QCOMPARE(written.load(), 3);
    QVERIFY(!doneRan);
}

void TestWriterThread::twoThreadsWriteAtOnceAndReportInOrder()
{
    QSemaphore secondWritten;
    std::atomic<bool> overlapped { false };
    QList<int> done;
    QMutex threadsMutex;
    QSet<Qt::HANDLE> threads;
    {
        WriterThread writer(2, 2);
        // Job 0 ends only after job 1 has been written: one thread could never do both.
        writer.submit({ [&] {
                           overlapped = secondWritten.tryAcquire(1, 10000);
                           QMutexLocker lock(&threadsMutex);
                           threads << QThread::currentThreadId();
                       },
                        [&] { done << 0; }, {} });
        writer.submit({ [&] {
                           {
                               QMutexLocker lock(&threadsMutex);
                               threads << QThread::currentThreadId();
                           }
                           secondWritten.release();
                       },
                        [&] { done << 1; }, {} });
        for (int i = 2; i < 40; ++i)
            writer.submit({ [] {}, [&, i] { done << i; }, {} });
        writer.drain();
    }
    QVERIFY(overlapped.load());
    QCOMPARE(threads.size(), 2);
    QList<int> expected;
    for (int i = 0; i < 40; ++i)
        expected << i;
    QCOMPARE(done, expected);
}

void TestWriterThread::twoThreadsFailureReportsOnlyTheJobsBeforeIt()
{
    // Job 1 fails while job 0 is still being written: job 0's `done` runs, then job 1's `failed`.
    {
        QSemaphore releaseFirst;
        QList<int> done;
        QList<int> failed;
        std::atomic<int> written { 0 };
        WriterThread writer(4, 2);
        writer.submit({ [&] {
                           releaseFirst.acquire();
                           ++written;
                       },
                        [&] { done << 0; }, [&] { failed << 0; } });
        writer.submit({ [&] { throw Error(Error::Kind::Unavailable, u"gone at 1"_s); }, [&] { done << 1; },
                        [&] { failed << 1; } });
        QTest::qWait(50); // job 1 has failed by now; job 0 still waits
        releaseFirst.release();
        try {
            writer.drain();
            QFAIL("the writer's error was not rethrown");
        } catch (const Error &error) {
            QCOMPARE(error.message(), u"gone at 1"_s);
        }
        QCOMPARE(done, QList<int> { 0 });
        QCOMPARE(failed, QList<int> { 1 });
        QCOMPARE(written.load(), 1);
    }
    // Job 0 fails after job 1 was written: job 1 is never reported, job 0's `failed` runs.
    {
        QSemaphore secondWritten;
        QList<int> done;
        QList<int> failed;
        WriterThread writer(4, 2);
        writer.submit({ [&] {
                           secondWritten.tryAcquire(1, 10000);
                           throw Error(Error::Kind::Unavailable, u"gone at 0"_s);
                       },
                        [&] { done << 0; }, [&] { failed << 0; } });
        writer.submit({ [&] { secondWritten.release(); }, [&] { done << 1; }, [&] { failed << 1; } });
        QVERIFY_THROWS_EXCEPTION(Error, writer.drain());
        QVERIFY(done.isEmpty());
        QCOMPARE(failed, QList<int> { 0 });
        QVERIFY_THROWS_EXCEPTION(Error, writer.submit({ [] {}, [] {}, [] {} }));
        QCOMPARE(failed, QList<int> { 0 });
    }
}

QTEST_GUILESS_MAIN(TestWriterThread)
#include "tst_writerthread.moc"
