#pragma once

#include <QObject>

class QSocketNotifier;

namespace tf {

// Turns SIGTERM, SIGINT and SIGHUP into a Qt signal through a self-pipe, so shutdown runs on
// the event loop (children stopped, files flushed) instead of inside a signal handler.
class SignalWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignalWatcher)

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signalNumber);
    void reloadRequested();

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace tf
