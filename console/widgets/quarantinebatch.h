#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>

class QProgressDialog;
class QWidget;

namespace tf::console {

class GatewayClient;

// Replays or discards quarantined rows one after another (POST /api/quarantine/{id}/replay
// or /discard), asking first where the page asks, with a cancellable progress dialog for more
// than one row. Each row that left the quarantine is reported as it goes; the end brings a
// summary with the failures.
class QuarantineBatch final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QuarantineBatch)

public:
    enum class Kind { Replay, Discard };

    // The questions and the progress dialog open over page.
    QuarantineBatch(GatewayClient *client, QWidget *page);

    bool isRunning() const { return !m_ids.isEmpty(); }
    // Asks before a replay of several rows (one row replays without asking).
    bool confirmReplay(int count) const;
    // Asks before any discard.
    bool confirmDiscard(int count) const;
    void start(Kind kind, const QList<qint64> &ids);

signals:
    void started();
    // The row was replayed or discarded: it is no longer quarantined.
    void rowDone(qint64 id);
    // summary names what was done, a cancellation and the failures.
    void finished(int succeeded, int failed, const QString &summary);

private:
    void runNext();

    GatewayClient *m_client;
    QWidget *m_page;
    Kind m_kind = Kind::Replay;
    QList<qint64> m_ids;
    int m_done = 0;
    int m_failed = 0;
    QStringList m_errors;
    QPointer<QProgressDialog> m_progress;
};

} // namespace tf::console
