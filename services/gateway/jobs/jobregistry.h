#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

class QThreadPool;

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

// Long admin actions (backup, restore, maintenance, restart) answer 202 with a job; the job
// runs on a worker thread and is polled with GET /api/jobs/<id>. Jobs are kept in the control
// database (admin_jobs, migration 0011), so they outlive the gateway process: a job found
// queued or running when the database opens in a new process is marked failed with error
// code "interrupted". While the database is away jobs still run; their rows are written once
// it is back.
//
// One rule for starts (docs/api-conventions.md): jobs of one exclusive group run one at a
// time. Starting the same action (same kind and signature) while it runs joins the running
// job; another action of the group is 409 job_running naming it.
class JobRegistry final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobRegistry)

public:
    // Handed to the job's body: report progress (0..1) and a message.
    class Context
    {
    public:
        virtual ~Context() = default;
        virtual void progress(double fraction, const QString &message) = 0;
    };
    // The body runs on a worker thread; it returns the job's result or throws tf::Error.
    using Body = std::function<QJsonObject(Context &)>;

    struct Action
    {
        QString kind;      // backup, restore, maintenance, restart
        QString signature; // what makes two starts the same action ("weekly", "sync", a label)
        QString group;     // exclusive group; empty: only the same kind and signature exclude
        QString createdBy;
        QString message = QStringLiteral("queued");
    };
    struct Started
    {
        QJsonObject job;
        bool joined = false; // the same action was running: this is that job
    };

    explicit JobRegistry(const DatabaseState *database = nullptr, QObject *parent = nullptr);
    ~JobRegistry() override;

    // The running job a start of `action` joins, or nullopt when it may start; throws
    // tf::Error(Conflict, "job_running") when another action of its group runs.
    std::optional<QJsonObject> admit(const Action &action) const;
    // admit(), then a new job unless joined.
    Started start(const Action &action, Body body);
    // Runs a small piece of work on the job pool without a job record (hashing a new backup
    // file for GET /api/backups): off the HTTP thread, waited for when the registry goes.
    void runInBackground(std::function<void()> work);
    // Any job not finished (the gateway's own restart waits for none).
    std::optional<QJsonObject> anyUnfinished() const;

    // Throws tf::Error(NotFound) for an unknown id.
    QJsonObject job(qint64 id) const;
    // Newest first, ids below beforeId (0: from the newest); kind/status empty: any.
    QList<QJsonObject> list(const QString &kind, const QString &status, qint64 beforeId, int limit) const;
    // Blocks until the job ends (tests, shutdown); false on timeout.
    bool waitFor(qint64 id, int timeoutMs);

    // The database (re)opened: marks jobs of an earlier process that never finished as
    // interrupted, and writes the rows of jobs that ran while it was away.
    void databaseOpened();

    static bool isFinished(const QString &status);

private:
    struct Job
    {
        qint64 id = 0;
        QString kind;
        QString signature;
        QString group;
        QString createdBy;
        QString status; // queued, running, completed, failed, cancelled
        double progress = 0;
        QString message;
        QJsonObject result;
        QJsonObject error;
        QDateTime createdAt;
        QDateTime startedAt;
        QDateTime finishedAt;
        bool dirty = true;  // not written to the database yet
        qint64 persistedMs = 0;
    };
    static QJsonObject toJson(const Job &job);
    void update(qint64 id, bool statusChange, const std::function<void(Job &)> &change);
    void persist(qint64 id);
    void rewriteAll();
    qint64 nextId();

    const DatabaseState *m_database;
    mutable QMutex m_mutex;
    QHash<qint64, Job> m_jobs; // this process's jobs (running ones and the last ones finished)
    QList<qint64> m_order;     // oldest first
    qint64 m_lastId = 0;
    QThreadPool *m_pool;
};

} // namespace tf::gateway
