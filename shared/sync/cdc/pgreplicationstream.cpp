#include "pgreplicationstream.h"

#include "core/errors.h"
#include "pgoutputparser.h"
#include "pgreplicationconnection.h"
#include "wirereader.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <libpq-fe.h>

namespace tf::sync::cdc {

Q_LOGGING_CATEGORY(lcStream, "sync.cdc.stream")

namespace {

void putUint64(QByteArray &out, quint64 value)
{
    for (int shift = 56; shift >= 0; shift -= 8)
        out.append(char((value >> shift) & 0xff));
}

} // namespace

PgReplicationStream::PgReplicationStream(std::unique_ptr<PgReplicationConnection> connection,
                                         PgReplicationHandler &handler, Lsn start,
                                         int statusIntervalMs, QObject *parent)
    : QObject(parent)
    , m_connection(std::move(connection))
    , m_handler(handler)
    , m_received(start)
    , m_flushed(start)
{
    PGconn *conn = m_connection->handle();
    // Sends must never block the event loop behind a full socket either.
    PQsetnonblocking(conn, 1);
    m_notifier = new QSocketNotifier(PQsocket(conn), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &PgReplicationStream::readAvailable);
    m_busyStatusMs = qMin(statusIntervalMs, kBusyStatusMs);
    m_statusTimer.setInterval(statusIntervalMs);
    connect(&m_statusTimer, &QTimer::timeout, this, [this] { sendStatus(false); });
    m_statusTimer.start();
    // Data that arrived with the START_REPLICATION answer is already in libpq's buffer and
    // would not wake the notifier.
    QMetaObject::invokeMethod(this, &PgReplicationStream::readAvailable, Qt::QueuedConnection);
}

PgReplicationStream::~PgReplicationStream()
{
    stop();
}

qint64 PgReplicationStream::feedbackAgeMs() const
{
    return m_sinceStatus.isValid() ? m_sinceStatus.elapsed() : -1;
}

void PgReplicationStream::confirmFlushed(Lsn lsn)
{
    if (lsn > m_flushed)
        m_flushed = lsn;
}

void PgReplicationStream::sendStatus(bool replyRequested)
{
    if (!m_notifier)
        return;
    QByteArray message;
    message.reserve(34);
    message.append('r');
    const Lsn written = qMax(m_received, m_flushed);
    putUint64(message, written); // written: received and handed to the consumer
    putUint64(message, m_flushed); // flushed: committed in the target
    putUint64(message, m_flushed); // applied: the same, nothing sits between
    putUint64(message, quint64(toPgEpochMicros(QDateTime::currentMSecsSinceEpoch())));
    message.append(char(replyRequested ? 1 : 0));
    PGconn *conn = m_connection->handle();
    const int queued = PQputCopyData(conn, message.constData(), int(message.size()));
    if (queued == 0) {
        // Non-blocking and libpq's buffer is full: the next update carries newer positions.
        qCDebug(lcStream) << "status update deferred: the send buffer is full";
        return;
    }
    if (queued < 0 || PQflush(conn) < 0) {
        fail(QStringLiteral("sending a standby status update: ")
             + QString::fromUtf8(PQerrorMessage(conn)).trimmed());
        return;
    }
    m_sinceStatus.start();
    qCDebug(lcStream) << "status: write" << formatLsn(written) << "flush" << formatLsn(m_flushed);
}

void PgReplicationStream::readAvailable()
{
    if (!m_notifier)
        return;
    PGconn *conn = m_connection->handle();
    if (!PQconsumeInput(conn)) {
        fail(QStringLiteral("reading the replication stream: ")
             + QString::fromUtf8(PQerrorMessage(conn)).trimmed());
        return;
    }
    // A pending send (a status update the socket could not take at once) goes out here.
    if (PQflush(conn) < 0) {
        fail(QStringLiteral("sending to the replication stream: ")
             + QString::fromUtf8(PQerrorMessage(conn)).trimmed());
        return;
    }
    for (;;) {
        char *buffer = nullptr;
        const int length = PQgetCopyData(conn, &buffer, 1);
        if (length == 0)
            return; // no complete frame yet: wait for the socket
        if (length == -1) {
            // The server ended the COPY; its result says why.
            PGresult *result = PQgetResult(conn);
            const QString why = result && PQresultStatus(result) != PGRES_COMMAND_OK
                ? QString::fromUtf8(PQresultErrorMessage(result)).trimmed()
                : QStringLiteral("the server ended replication");
            PQclear(result);
            fail(why);
            return;
        }
        if (length < 0) {
            fail(QStringLiteral("reading the replication stream: ")
                 + QString::fromUtf8(PQerrorMessage(conn)).trimmed());
            return;
        }
        const bool alive = handleFrame(buffer, length);
        PQfreemem(buffer);
        if (!alive)
            return;
        // Working through a backlog: the keepalive asking for an answer may sit behind many
        // frames, and the timer cannot fire meanwhile. An update on this budget keeps the
        // walsender's wal_sender_timeout from ending the connection.
        if (!m_sinceStatus.isValid() || m_sinceStatus.elapsed() >= m_busyStatusMs)
            sendStatus(false);
    }
}

bool PgReplicationStream::handleFrame(const char *data, int length)
{
    try {
        WireReader in(QByteArrayView(data, length), QStringLiteral("replication stream"));
        const char kind = char(in.uint8());
        if (kind == 'w') { // XLogData: dataStart, walEnd, sendTime, then one pgoutput message
            const Lsn walStart = in.uint64();
            in.uint64(); // walEnd: the server's position, not this message's
            in.uint64(); // sendTime
            const PgOutputMessage message
                = parsePgOutput(QByteArrayView(data + in.offset(), length - in.offset()));
            if (walStart > m_received)
                m_received = walStart;
            m_handler.onMessage(message, walStart);
        } else if (kind == 'k') { // keepalive: walEnd, sendTime, replyRequested
            const Lsn walEnd = in.uint64();
            in.uint64();
            const bool replyRequested = in.uint8() != 0;
            in.expectEnd();
            m_handler.onKeepalive(walEnd);
            if (replyRequested)
                sendStatus(false);
        } else {
            in.fail(QStringLiteral("unknown frame type '%1'").arg(QLatin1Char(kind)));
        }
    } catch (const Error &error) {
        fail(error.message());
    } catch (const std::exception &error) {
        fail(QString::fromUtf8(error.what()));
    }
    return m_notifier != nullptr;
}

void PgReplicationStream::fail(const QString &message)
{
    if (!m_notifier)
        return;
    qCWarning(lcStream) << "replication stopped:" << message;
    shutdown();
    Q_EMIT failed(message);
}

void PgReplicationStream::stop()
{
    if (!m_notifier)
        return;
    PGconn *conn = m_connection->handle();
    // A last status update, so the slot keeps what the target committed, then CopyDone.
    sendStatus(false);
    if (m_notifier) {
        PQsetnonblocking(conn, 0);
        PQputCopyEnd(conn, nullptr);
        PQflush(conn);
    }
    shutdown();
}

void PgReplicationStream::shutdown()
{
    m_statusTimer.stop();
    // This may run inside the notifier's own activated() signal: it goes once that returns.
    m_notifier->setEnabled(false);
    m_notifier->deleteLater();
    m_notifier = nullptr;
    m_connection.reset();
}

} // namespace tf::sync::cdc
