#pragma once

// A CdcExecutor running on a thread of its own until stop() (or until it ends by itself), with
// the alerts it raised: what the cdc executor tests drive.
#include "sync/engine/cdcexecutor.h"

#include <QMutex>
#include <QThread>
#include <cstdio>
#include <QStringList>
#include <QThread>
#include <atomic>
#include <functional>
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
    // afterRun, if any, runs on the executor's thread once run() returned (a connector whose
    // connections belong to that thread is closed there).
    static std::unique_ptr<CdcRunning> start(std::unique_ptr<sync::CdcExecutor> executor,
                                             const db::Database *control = nullptr,
                                             std::function<void()> afterRun = {})
    {
        auto running = std::make_unique<CdcRunning>();
        running->executor = std::move(executor);
        CdcRunning *r = running.get();
        running->thread.reset(QThread::create([r, control, afterRun] {
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
            if (afterRun)
                afterRun();
        }));
        // The executor is a QObject of the thread that runs it.
        running->executor->moveToThread(running->thread.get());
        running->thread->start();
        return running;
    }
};

// The body of the child process a crash test kills: the pair's executor, run again after every
// failure (a slot still held by the walsender of a killed predecessor, say) as tf-syncd's retry
// does, until the process is killed.
[[noreturn]] inline void streamUntilKilled(const sync::PairSpec &spec, sync::PostgresConnector &source,
                                           sync::TargetConnector &target, sync::QuarantineStore &quarantine)
{
    for (;;) {
        sync::CdcExecutor executor(spec, source, target, quarantine);
        sync::CdcRunOptions options;
        options.checkIntervalMs = 200;
        options.statusIntervalMs = 300;
        options.maxTransactionsPerCommit = 20;
        const sync::RunResult result = executor.run(options);
        std::fprintf(stderr, "run ended: %s\n", qPrintable(result.error));
        QThread::msleep(200);
    }
}

} // namespace tf::test
