#include "resilientcall.h"

#include <QJsonObject>
#include <QLoggingCategory>

namespace tf::sync {

Q_LOGGING_CATEGORY(lcResilience, "sync.resilience")

ResilientCall::ResilientCall(RetryPolicy policy, std::shared_ptr<CircuitBreaker> breaker,
                             Sleeper sleeper)
    : m_policy(policy)
    , m_breaker(std::move(breaker))
    , m_sleeper(sleeper ? std::move(sleeper) : threadSleeper())
{ }

void ResilientCall::call(const QString &what, const std::function<void()> &fn,
                         const std::function<void()> &beforeRetry)
{
    const int attempts = qMax(1, m_policy.attempts);
    for (int attempt = 1;; ++attempt) {
        if (m_breaker && !m_breaker->allowRequest()) {
            throw Error(
                Error::Kind::Unavailable,
                QStringLiteral("%1: circuit open for system '%2'").arg(what, m_breaker->systemId()),
                QJsonObject { { QStringLiteral("circuit"), QStringLiteral("open") },
                              { QStringLiteral("system"), m_breaker->systemId() } });
        }
        try {
            fn();
            if (m_breaker)
                m_breaker->recordSuccess();
            return;
        } catch (const DownstreamFailure &failure) {
            // The system answered; what failed is ours or the other side's.
            if (m_breaker)
                m_breaker->recordSuccess();
            std::rethrow_exception(failure.error);
        } catch (const Error &error) {
            if (!RetryPolicy::isTransient(error)) {
                if (m_breaker)
                    m_breaker->recordSuccess();
                throw;
            }
            if (m_breaker)
                m_breaker->recordFailure();
            if (attempt >= attempts)
                throw;
            const auto wait = m_policy.delay(attempt);
            qCWarning(lcResilience) << what << "failed (" << error.message() << "), retry"
                                    << attempt << "in" << wait.count() << "ms";
            ++m_retries;
            m_sleeper(wait);
            if (beforeRetry)
                beforeRetry();
        }
    }
}

} // namespace tf::sync
