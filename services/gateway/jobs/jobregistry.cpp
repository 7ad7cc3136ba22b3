#include "jobregistry.h"

#include "common/databasestate.h"
#include "core/errors.h"
#include "db/repositories/adminjobrepository.h"

#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QThread>
#include <QThreadPool>

Q_LOGGING_CATEGORY(lcGatewayJobs, "gateway.jobs")

namespace tf::gateway {

namespace {

constexpr int kKeptJobs = 200;
constexpr qint64 kProgressWriteMs = 1000; // progress rows at most once a second per job

class JobContext final : public JobRegistry::Context
{
public:
    explicit JobContext(std::function<void(double, const QString &)> report)
        : m_report(std::move(report))
    { }
    void progress(double fraction, const QString &message) override { m_report(fraction, message); }

private:
    std::function<void(double, const QString &)> m_report;
};

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QJsonValue isoOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

QJsonObject rowJson(const db::AdminJobRow &row)
{
    return { { QStringLiteral("id"), row.id },
             { QStringLiteral("kind"), row.kind },
             { QStringLiteral("status"), row.status },
             { QStringLiteral("progress"), row.progress },
             { QStringLiteral("message"), row.message },
             { QStringLiteral("result"), row.result.isEmpty() ? QJsonValue() : QJsonValue(row.result) },
             { QStringLiteral("error"), row.error.isEmpty() ? QJsonValue() : QJsonValue(row.error) },
             { QStringLiteral("created_by"), row.createdBy },
             { QStringLiteral("created_at"), isoOrNull(row.createdAt) },
             { QStringLiteral("started_at"), isoOrNull(row.startedAt) },
             { QStringLiteral("finished_at"), isoOrNull(row.finishedAt) } };
}

} // namespace

JobRegistry::JobRegistry(const DatabaseState *database, QObject *parent)
    : QObject(parent)
    , m_database(database)
    , m_pool(new QThreadPool(this))
{
    m_pool->setMaxThreadCount(2);
}

void JobRegistry::runInBackground(std::function<void()> work)
{
    m_pool->start(std::move(work));
}

JobRegistry::~JobRegistry()
{
    m_pool->waitForDone();
}

bool JobRegistry::isFinished(const QString &status)
{
    return status == QLatin1String("completed") || status == QLatin1String("failed")
        || status == QLatin1String("cancelled");
}

QJsonObject JobRegistry::toJson(const Job &job)
{
    db::AdminJobRow row;
    row.id = job.id;
    row.kind = job.kind;
    row.status = job.status;
    row.progress = job.progress;
    row.message = job.message;
    row.result = job.result;
    row.error = job.error;
    row.createdBy = job.createdBy;
    row.createdAt = job.createdAt;
    row.startedAt = job.startedAt;
    row.finishedAt = job.finishedAt;
    return rowJson(row);
}

std::optional<QJsonObject> JobRegistry::admit(const Action &action) const
{
    QMutexLocker lock(&m_mutex);
    for (const Job &other : std::as_const(m_jobs)) {
        if (isFinished(other.status))
            continue;
        if (other.kind == action.kind && other.signature == action.signature)
            return toJson(other);
        if (!action.group.isEmpty() && other.group == action.group) {
            throw Error(Error::Kind::Conflict, QStringLiteral("job_running"),
                        QStringLiteral("job %1 (%2) is still running; wait for it to finish").arg(other.id).arg(other.kind),
                        QJsonObject { { QStringLiteral("job_id"), other.id } });
        }
    }
    return std::nullopt;
}

std::optional<QJsonObject> JobRegistry::anyUnfinished() const
{
    QMutexLocker lock(&m_mutex);
    for (const Job &job : std::as_const(m_jobs)) {
        if (!isFinished(job.status))
            return toJson(job);
    }
    return std::nullopt;
}

qint64 JobRegistry::nextId()
{
    qint64 newest = 0;
    if (m_database && m_database->isOpen()) {
        try {
            newest = db::AdminJobRepository(m_database->database().database()).newestId();
        } catch (const Error &error) {
            qCWarning(lcGatewayJobs).noquote() << "newest job id not read:" << error.message();
        }
    }
    QMutexLocker lock(&m_mutex);
    m_lastId = qMax(m_lastId, newest) + 1;
    return m_lastId;
}

JobRegistry::Started JobRegistry::start(const Action &action, Body body)
{
    if (const std::optional<QJsonObject> running = admit(action))
        return { *running, true };
    Job created;
    created.id = nextId();
    created.kind = action.kind;
    created.signature = action.signature;
    created.group = action.group;
    created.createdBy = action.createdBy;
    created.status = QStringLiteral("queued");
    created.message = action.message;
    created.createdAt = QDateTime::currentDateTimeUtc();
    {
        QMutexLocker lock(&m_mutex);
        m_jobs.insert(created.id, created);
        m_order.append(created.id);
        while (m_order.size() > kKeptJobs && isFinished(m_jobs.value(m_order.first()).status)
               && !m_jobs.value(m_order.first()).dirty) {
            m_jobs.remove(m_order.takeFirst());
        }
    }
    persist(created.id);
    const qint64 id = created.id;
    m_pool->start([this, id, body = std::move(body)]() {
        update(id, true, [](Job &job) {
            job.status = QStringLiteral("running");
            job.startedAt = QDateTime::currentDateTimeUtc();
        });
        JobContext context([this, id](double fraction, const QString &message) {
            update(id, false, [&](Job &job) {
                job.progress = qBound(0.0, fraction, 1.0);
                job.message = message;
            });
        });
        try {
            QJsonObject result = body(context);
            update(id, true, [&](Job &job) {
                job.status = QStringLiteral("completed");
                job.progress = 1.0;
                job.message = QStringLiteral("completed");
                job.result = result;
                job.finishedAt = QDateTime::currentDateTimeUtc();
            });
        } catch (const Error &error) {
            update(id, true, [&](Job &job) {
                job.status = QStringLiteral("failed");
                job.message = error.message();
                job.error = QJsonObject { { QStringLiteral("code"), error.code() }, { QStringLiteral("message"), error.message() } };
                job.finishedAt = QDateTime::currentDateTimeUtc();
            });
        } catch (const std::exception &exception) {
            update(id, true, [&](Job &job) {
                job.status = QStringLiteral("failed");
                job.message = QString::fromLocal8Bit(exception.what());
                job.error = QJsonObject { { QStringLiteral("code"), QStringLiteral("internal") }, { QStringLiteral("message"), job.message } };
                job.finishedAt = QDateTime::currentDateTimeUtc();
            });
        }
    });
    return { toJson(created), false };
}

QJsonObject JobRegistry::job(qint64 id) const
{
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_jobs.constFind(id);
        if (it != m_jobs.constEnd())
            return toJson(*it);
    }
    if (m_database) {
        // 503 while the database is away: the job may well exist.
        if (const auto row = db::AdminJobRepository(m_database->database().database()).find(id))
            return rowJson(*row);
    }
    throw Error(Error::Kind::NotFound, QStringLiteral("no job with id %1").arg(id));
}

QList<QJsonObject> JobRegistry::list(const QString &kind, const QString &status, qint64 beforeId, int limit) const
{
    QList<QJsonObject> jobs;
    if (m_database && m_database->isOpen()) {
        // The database has every job; this process's rows may be a moment behind, so its
        // own jobs answer from memory.
        for (const db::AdminJobRow &row :
             db::AdminJobRepository(m_database->database().database()).list(kind, status, beforeId, limit)) {
            QMutexLocker lock(&m_mutex);
            const auto it = m_jobs.constFind(row.id);
            jobs.append(it != m_jobs.constEnd() ? toJson(*it) : rowJson(row));
        }
        return jobs;
    }
    QMutexLocker lock(&m_mutex);
    for (auto it = m_order.crbegin(); it != m_order.crend() && jobs.size() < limit; ++it) {
        const Job &job = m_jobs[*it];
        if ((beforeId > 0 && job.id >= beforeId) || (!kind.isEmpty() && job.kind != kind)
            || (!status.isEmpty() && job.status != status))
            continue;
        jobs.append(toJson(job));
    }
    return jobs;
}

bool JobRegistry::waitFor(qint64 id, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        {
            QMutexLocker lock(&m_mutex);
            if (isFinished(m_jobs.value(id).status))
                return true;
        }
        QThread::msleep(10);
    }
    return false;
}

void JobRegistry::update(qint64 id, bool statusChange, const std::function<void(Job &)> &change)
{
    bool write = false;
    bool restored = false;
    {
        QMutexLocker lock(&m_mutex);
        auto it = m_jobs.find(id);
        if (it == m_jobs.end())
            return;
        change(*it);
        it->dirty = true;
        write = statusChange || nowMs() - it->persistedMs >= kProgressWriteMs;
        restored = it->kind == QLatin1String("restore") && it->status == QLatin1String("completed");
    }
    if (restored) { // the restored database has the jobs table of the backup's time
        QMetaObject::invokeMethod(this, [this] { rewriteAll(); }, Qt::QueuedConnection);
        return;
    }
    // Rows are written on the registry's (the server's) thread: worker threads keep no
    // database connection of their own.
    if (write)
        QMetaObject::invokeMethod(this, [this, id] { persist(id); }, Qt::QueuedConnection);
}

void JobRegistry::persist(qint64 id)
{
    if (!m_database || !m_database->isOpen())
        return; // written by databaseOpened()
    db::AdminJobRow row;
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_jobs.constFind(id);
        if (it == m_jobs.constEnd() || !it->dirty)
            return;
        row.id = it->id;
        row.kind = it->kind;
        row.status = it->status;
        row.progress = it->progress;
        row.message = it->message;
        row.result = it->result;
        row.error = it->error;
        row.createdBy = it->createdBy;
        row.createdAt = it->createdAt;
        row.startedAt = it->startedAt;
        row.finishedAt = it->finishedAt;
    }
    try {
        db::AdminJobRepository(m_database->database().database()).save(row);
        QMutexLocker lock(&m_mutex);
        auto it = m_jobs.find(id);
        if (it != m_jobs.end()) {
            it->persistedMs = nowMs();
            it->dirty = it->status != row.status || it->progress != row.progress || it->message != row.message
                || it->finishedAt != row.finishedAt;
        }
    } catch (const Error &error) {
        qCWarning(lcGatewayJobs).noquote() << "job" << id << "not written:" << error.message();
    }
}

void JobRegistry::databaseOpened()
{
    if (!m_database || !m_database->isOpen())
        return;
    QList<qint64> mine;
    {
        QMutexLocker lock(&m_mutex);
        mine = m_order;
    }
    try {
        const int interrupted = db::AdminJobRepository(m_database->database().database())
                                    .markInterrupted(mine, QStringLiteral("the gateway restarted while the job ran; "
                                                                          "it did not finish. Check its result and start it again"));
        if (interrupted > 0)
            qCWarning(lcGatewayJobs) << interrupted << "job(s) of an earlier gateway process marked interrupted";
    } catch (const Error &error) {
        qCWarning(lcGatewayJobs).noquote() << "unfinished jobs not checked:" << error.message();
    }
    rewriteAll();
}

void JobRegistry::rewriteAll()
{
    QList<qint64> mine;
    {
        QMutexLocker lock(&m_mutex);
        mine = m_order;
        for (Job &job : m_jobs)
            job.dirty = true;
    }
    for (qint64 id : std::as_const(mine))
        persist(id);
}

} // namespace tf::gateway
