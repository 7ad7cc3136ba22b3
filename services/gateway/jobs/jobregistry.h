#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

class QThreadPool;

namespace tf::gateway {

// Long admin actions (backup, restore, maintenance, restart) answer 202 with a job; the job
// runs on a worker thread and its progress is polled with GET /api/jobs/<id>. Jobs live in
// memory (the audit trail and maintenance_runs/backups tables keep the lasting record); the
// registry keeps the last 200.
class JobRegistry final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobRegistry)

public:
    // Handed to the job's body: report progress (0..1) and a message; check cancellation.
    class Context
    {
    public:
        virtual ~Context() = default;
        virtual void progress(double fraction, const QString &message) = 0;
    };
    // The body runs on a worker thread; it returns the job's result or throws tf::Error.
    using Body = std::function<QJsonObject(Context &)>;

    explicit JobRegistry(QObject *parent = nullptr);
    ~JobRegistry() override;

    // Starts a job; returns its JSON (id, kind, status "running", ...). `exclusiveKey`: at
    // most one running job per key (e.g. "database" for backup/restore); a second one is
    // refused with tf::Error(Conflict) naming the running job.
    QJsonObject start(const QString &kind, const QString &startedBy, Body body,
                      const QString &exclusiveKey = QString());
    // Throws tf::Error(NotFound) for an unknown id.
    QJsonObject job(const QString &id) const;
    QList<QJsonObject> jobs() const; // newest first
    // Blocks until the job ends (tests, shutdown); false on timeout.
    bool waitFor(const QString &id, int timeoutMs);

private:
    struct Job
    {
        QString id;
        QString kind;
        QString startedBy;
        QString exclusiveKey;
        QString status; // running, completed, failed
        double progress = 0;
        QString message;
        QJsonObject result;
        QJsonObject error;
        QDateTime startedAt;
        QDateTime finishedAt;
    };
    static QJsonObject toJson(const Job &job);
    void update(const QString &id, const std::function<void(Job &)> &change);

    mutable QMutex m_mutex;
    QHash<QString, Job> m_jobs;
    QStringList m_order; // oldest first
    QThreadPool *m_pool;
};

} // namespace tf::gateway
