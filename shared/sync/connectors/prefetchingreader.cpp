#include "prefetchingreader.h"

#include <QMutex>
#include <QThread>
#include <QWaitCondition>
#include <deque>
#include <exception>
#include <memory>

namespace tf::sync::pg {

namespace {

struct Queue
{
    QMutex mutex;
    QWaitCondition notEmpty;
    QWaitCondition notFull;
    std::deque<RowBatch> batches;
    bool done = false; // the producer has returned or thrown
    bool stop = false; // the consumer wants no more
    std::exception_ptr error;
};

} // namespace

void PrefetchingBatchSource::run(SchemaPtr schema, int batchSize, const RowProducer &produce,
                                 const BatchSink &sink, int depth)
{
    const qsizetype rowsPerBatch = qMax(1, batchSize);
    const size_t capacity = size_t(qMax(1, depth));
    Queue queue;

    const auto push = [&](RowBatch &&batch) {
        QMutexLocker lock(&queue.mutex);
        while (queue.batches.size() >= capacity && !queue.stop)
            queue.notFull.wait(&queue.mutex);
        if (queue.stop)
            return false;
        queue.batches.push_back(std::move(batch));
        queue.notEmpty.wakeOne();
        return true;
    };

    std::unique_ptr<QThread> thread(QThread::create([&] {
        try {
            RowBatch batch { schema, {}, {} };
            batch.rows.reserve(rowsPerBatch);
            bool more = true;
            produce([&](Row &&row, QByteArray &&hash) {
                if (!more)
                    return false;
                if (row.isEmpty()) { // (the rows so far, now)
                    if (!batch.rows.isEmpty()) {
                        more = push(std::exchange(batch, RowBatch { schema, {}, {} }));
                        batch.rows.reserve(rowsPerBatch);
                    }
                    return more;
                }
                batch.rows.append(std::move(row));
                if (!hash.isNull())
                    batch.hashes.append(std::move(hash));
                if (batch.rows.size() < rowsPerBatch)
                    return true;
                more = push(std::exchange(batch, RowBatch { schema, {}, {} }));
                batch.rows.reserve(rowsPerBatch);
                return more;
            });
            if (more && !batch.rows.isEmpty())
                push(std::move(batch));
        } catch (...) {
            QMutexLocker lock(&queue.mutex);
            queue.error = std::current_exception();
        }
        QMutexLocker lock(&queue.mutex);
        queue.done = true;
        queue.notEmpty.wakeOne();
    }));
    thread->setObjectName(QStringLiteral("tf-prefetch"));

    // Stops and joins the producer however the consumer leaves (false, a throw, the end).
    struct Join
    {
        Queue &queue;
        QThread &thread;
        ~Join()
        {
            {
                QMutexLocker lock(&queue.mutex);
                queue.stop = true;
                queue.notFull.wakeAll();
            }
            thread.wait();
        }
    };
    thread->start();
    {
        Join join { queue, *thread };
        while (true) {
            RowBatch batch;
            {
                QMutexLocker lock(&queue.mutex);
                while (queue.batches.empty() && !queue.done)
                    queue.notEmpty.wait(&queue.mutex);
                if (queue.batches.empty())
                    break;
                batch = std::move(queue.batches.front());
                queue.batches.pop_front();
                queue.notFull.wakeOne();
            }
            if (!sink(batch))
                return; // Join stops the producer; an error it meets then is moot
        }
    }
    if (queue.error)
        std::rethrow_exception(queue.error);
}

} // namespace tf::sync::pg
