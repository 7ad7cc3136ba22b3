#pragma once

// A CdcExecutor running on a thread of its own until stop() (or until it ends by itself), with
// the alerts it raised: what the cdc executor tests drive.
#include "sync/engine/cdcexecutor.h"

#include <QMutex>
#include <QStringList>
#include <QThread>
#include <atomic>
#include <memory>

namespace tf::test {

struct CdcRunning
{
    std::unique_ptr<sync::CdcExecutor> executor;
    std::unique_ptr<QThread> thread;
    std::atomic_bool cancel { false };
    sync::RunResult result;
    QStringList alerts;
    QMutex mutex;

    sync::RunResult stop()
    {
        cancel.store(true);
        thread->wait();
        return result;
    }

    // options.cancel and options.alert are set here; control: held schema changes, or nullptr.
    static std::unique_ptr<CdcRunning> start(std::unique_ptr<sync::CdcExecutor> executor,
                                             const db::Database *control = nullptr)
    {
        auto running = std::make_unique<CdcRunning>();
        running->executor = std::move(executor);
        CdcRunning *r = running.get();
        running->thread.reset(QThread::create([r, control] {
            sync::CdcRunOptions options;
            options.cancel = &r->cancel;
            options.checkIntervalMs = 100;
            options.statusIntervalMs = 500;
            options.control = control;
            options.alert = [r](const QString &rule, const QString &message) {
                QMutexLocker locker(&r->mutex);
                r->alerts << rule + QStringLiteral(": ") + message;
            };
            r->result = r->executor->run(options);
        }));
        // The executor is a QObject of the thread that runs it.
        running->executor->moveToThread(running->thread.get());
        running->thread->start();
        return running;
    }
};

} // namespace tf::test
