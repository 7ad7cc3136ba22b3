#pragma once

#include "lsn.h"
#include "pgoutputmessages.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <memory>

class QSocketNotifier;

namespace tf::sync::cdc {

class PgReplicationConnection;

// What a replication stream hands its consumer, on the stream's thread, one call at a time.
// A call may take as long as it needs (a target write): the stream reads nothing meanwhile,
// so the server's send buffer is the only queue and memory stays flat. A call that throws
// stops the stream (failed() carries the message).
class PgReplicationHandler
{
public:
    virtual ~PgReplicationHandler() = default;
    // One decoded pgoutput message; walStart is the WAL position of the change.
    virtual void onMessage(const PgOutputMessage &message, Lsn walStart) = 0;
    // A keepalive: the server has sent everything up to walEnd. Outside a transaction the
    // consumer may store walEnd and confirm it, so an idle slot never holds WAL back.
    virtual void onKeepalive(Lsn walEnd) { Q_UNUSED(walEnd) }
};

// The COPY BOTH loop of START_REPLICATION, driven by the event loop: a QSocketNotifier on
// the connection's socket wakes it when data arrives (no polling), every complete frame is
// decoded and handed over, keepalives that ask for an answer are answered at once, and a
// standby status update (write, flush, apply) goes out every statusInterval, and while frames
// are being handled back to back (a backlog) at least every kBusyStatusMs, so a keepalive
// waiting behind the backlog never times the connection out.
//
// Flush and apply report only what confirmFlushed() was given: the position the target has
// committed. The server may then recycle the WAL before it, so a restart streams from there.
class PgReplicationStream final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PgReplicationStream)
public:
    // The connection must be in COPY BOTH mode (after startReplication()); start is the
    // position replication started from, which counts as already flushed.
    PgReplicationStream(std::unique_ptr<PgReplicationConnection> connection,
                        PgReplicationHandler &handler, Lsn start, int statusIntervalMs = 10000,
                        QObject *parent = nullptr);
    ~PgReplicationStream() override;

    static constexpr int kBusyStatusMs = 500;

    // The target has committed everything up to lsn (never moves backwards).
    void confirmFlushed(Lsn lsn);
    // Sends a standby status update now.
    void sendStatus(bool replyRequested = false);

    Lsn receivedLsn() const { return m_received; }
    Lsn flushedLsn() const { return m_flushed; }
    // Milliseconds since the last status update went out (-1 before the first).
    qint64 feedbackAgeMs() const;
    bool isRunning() const { return m_notifier != nullptr; }

    // Ends the COPY (CopyDone) and closes the connection; emits nothing.
    void stop();

Q_SIGNALS:
    // The stream stopped: the server ended it, the connection broke or the handler threw.
    void failed(const QString &message);

private:
    void readAvailable();
    bool handleFrame(const char *data, int length); // false once the stream failed
    void fail(const QString &message);
    void shutdown();

    std::unique_ptr<PgReplicationConnection> m_connection;
    PgReplicationHandler &m_handler;
    QSocketNotifier *m_notifier = nullptr;
    QTimer m_statusTimer;
    QElapsedTimer m_sinceStatus;
    int m_busyStatusMs = kBusyStatusMs;
    Lsn m_received = 0;
    Lsn m_flushed = 0;
};

} // namespace tf::sync::cdc
