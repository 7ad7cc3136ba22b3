#include "jobregistry.h"

#include "core/errors.h"

#include <QMutexLocker>
#include <QThread>
#include <QThreadPool>
#include <QUuid>

namespace tf::gateway {

namespace {

constexpr int kKeptJobs = 200;

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

} // namespace

JobRegistry::JobRegistry(QObject *parent)
    : QObject(parent)
    , m_pool(new QThreadPool(this))
{
    m_pool->setMaxThreadCount(2);
}

JobRegistry::~JobRegistry()
{
    m_pool->waitForDone();
}

QJsonObject JobRegistry::start(const QString &kind, const QString &startedBy, Body body, const QString &exclusiveKey)
{
    Job job;
    job.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    job.kind = kind;
    job.startedBy = startedBy;
    job.exclusiveKey = exclusiveKey;
    job.status = QStringLiteral("running");
    job.message = QStringLiteral("started");
    job.startedAt = QDateTime::currentDateTimeUtc();
    {
        QMutexLocker lock(&m_mutex);
        if (!exclusiveKey.isEmpty()) {
            for (const Job &other : std::as_const(m_jobs)) {
                if (other.exclusiveKey == exclusiveKey && other.status == QLatin1String("running")) {
                    throw Error(Error::Kind::Conflict,
                                QStringLiteral("job %1 (%2) is still running; wait for it to finish").arg(other.id, other.kind),
                                QJsonObject { { QStringLiteral("job_id"), other.id } });
                }
            }
        }
        m_jobs.insert(job.id, job);
        m_order.append(job.id);
        while (m_order.size() > kKeptJobs) {
            const QString oldest = m_order.first();
            if (m_jobs.value(oldest).status == QLatin1String("running"))
                break;
            m_jobs.remove(oldest);
            m_order.removeFirst();
        }
    }
    const QString id = job.id;
    m_pool->start([this, id, body = std::move(body)]() {
        JobContext context([this, id](double fraction, const QString &message) {
            update(id, [&](Job &job) {
                job.progress = qBound(0.0, fraction, 1.0);
                job.message = message;
            });
        });
        try {
            QJsonObject result = body(context);
            update(id, [&](Job &job) {
                job.status = QStringLiteral("completed");
                job.progress = 1.0;
                job.message = QStringLiteral("completed");
                job.result = result;
                job.finishedAt = QDateTime::currentDateTimeUtc();
            });
        } catch (const Error &error) {
            update(id, [&](Job &job) {
                job.status = QStringLiteral("failed");
                job.message = error.message();
                job.error = QJsonObject { { QStringLiteral("code"), error.code() }, { QStringLiteral("message"), error.message() } };
                job.finishedAt = QDateTime::currentDateTimeUtc();
            });
        } catch (const std::exception &exception) {
            update(id, [&](Job &job) {
                job.status = QStringLiteral("failed");
                job.message = QString::fromLocal8Bit(exception.what());
                job.error = QJsonObject { { QStringLiteral("code"), QStringLiteral("internal") }, { QStringLiteral("message"), job.message } };
                job.finishedAt = QDateTime::currentDateTimeUtc();
            });
        }
    });
    return toJson(job);
}

QJsonObject JobRegistry::job(const QString &id) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_jobs.constFind(id);
    if (it == m_jobs.constEnd())
        throw Error(Error::Kind::NotFound, QStringLiteral("no job with id '%1'").arg(id.left(64)));
    return toJson(*it);
}

QList<QJsonObject> JobRegistry::jobs() const
{
    QMutexLocker lock(&m_mutex);
    QList<QJsonObject> list;
    for (auto it = m_order.crbegin(); it != m_order.crend(); ++it)
        list.append(toJson(m_jobs.value(*it)));
    return list;
}

bool JobRegistry::waitFor(const QString &id, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        {
            QMutexLocker lock(&m_mutex);
            if (m_jobs.value(id).status != QLatin1String("running"))
                return true;
        }
        QThread::msleep(10);
    }
    return false;
}

void JobRegistry::update(const QString &id, const std::function<void(Job &)> &change)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_jobs.find(id);
    if (it != m_jobs.end())
        change(*it);
}

QJsonObject JobRegistry::toJson(const Job &job)
{
    QJsonObject object {
        { QStringLiteral("id"), job.id },
        { QStringLiteral("kind"), job.kind },
        { QStringLiteral("status"), job.status },
        { QStringLiteral("progress"), job.progress },
        { QStringLiteral("message"), job.message },
        { QStringLiteral("started_by"), job.startedBy },
        { QStringLiteral("started_at"), job.startedAt.toString(Qt::ISODateWithMs) },
    };
    if (job.finishedAt.isValid())
        object.insert(QStringLiteral("finished_at"), job.finishedAt.toString(Qt::ISODateWithMs));
    if (!job.result.isEmpty())
        object.insert(QStringLiteral("result"), job.result);
    if (!job.error.isEmpty())
        object.insert(QStringLiteral("error"), job.error);
    return object;
}

} // namespace tf::gateway
