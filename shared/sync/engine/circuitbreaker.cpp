#include "circuitbreaker.h"

#include <QMutexLocker>

namespace tf::sync {

namespace {
std::chrono::milliseconds steadyNow()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now().time_since_epoch());
}
} // namespace

CircuitBreaker::CircuitBreaker(QString systemId, Settings settings, Clock clock)
    : m_systemId(std::move(systemId))
    , m_settings(settings)
    , m_clock(std::move(clock))
{ }

std::chrono::milliseconds CircuitBreaker::now() const
{
    return m_clock ? m_clock() : steadyNow();
}

bool CircuitBreaker::allowRequest()
{
    QMutexLocker locker(&m_mutex);
    switch (m_state) {
    case State::Closed:
        return true;
    case State::Open:
        if (now() - m_openedAt < m_settings.coolDown)
            return false;
        m_state = State::HalfOpen;
        m_trialInFlight = true;
        return true;
    case State::HalfOpen:
        // One trial at a time: others keep failing fast until it reports back.
        if (m_trialInFlight)
            return false;
        m_trialInFlight = true;
        return true;
    }
    return false;
}

void CircuitBreaker::recordSuccess()
{
    QMutexLocker locker(&m_mutex);
    m_state = State::Closed;
    m_failures = 0;
    m_trialInFlight = false;
}

void CircuitBreaker::recordFailure()
{
    QMutexLocker locker(&m_mutex);
    ++m_failures;
    m_trialInFlight = false;
    if (m_state == State::HalfOpen || m_failures >= m_settings.failureThreshold) {
        m_state = State::Open;
        m_openedAt = now();
    }
}

CircuitBreaker::State CircuitBreaker::state() const
{
    QMutexLocker locker(&m_mutex);
    return m_state;
}

int CircuitBreaker::consecutiveFailures() const
{
    QMutexLocker locker(&m_mutex);
    return m_failures;
}

void CircuitBreaker::setSettings(Settings settings)
{
    QMutexLocker locker(&m_mutex);
    m_settings = settings;
}

void CircuitBreaker::setClock(Clock clock)
{
    QMutexLocker locker(&m_mutex);
    m_clock = std::move(clock);
}

QString CircuitBreaker::stateName(State state)
{
    switch (state) {
    case State::Closed:
        return QStringLiteral("closed");
    case State::Open:
        return QStringLiteral("open");
    case State::HalfOpen:
        return QStringLiteral("half_open");
    }
    return QStringLiteral("closed");
}

QJsonObject CircuitBreaker::snapshot() const
{
    QMutexLocker locker(&m_mutex);
    QJsonObject json { { QStringLiteral("system"), m_systemId },
                       { QStringLiteral("state"), stateName(m_state) },
                       { QStringLiteral("consecutive_failures"), m_failures } };
    if (m_state != State::Closed)
        json.insert(QStringLiteral("opened_ms_ago"), qint64((now() - m_openedAt).count()));
    return json;
}

CircuitBreakerRegistry &CircuitBreakerRegistry::instance()
{
    static CircuitBreakerRegistry registry;
    return registry;
}

std::shared_ptr<CircuitBreaker> CircuitBreakerRegistry::breaker(const QString &systemId)
{
    QMutexLocker locker(&m_mutex);
    auto &slot = m_breakers[systemId];
    if (!slot)
        slot = std::make_shared<CircuitBreaker>(systemId, m_defaults);
    return slot;
}

void CircuitBreakerRegistry::setDefaultSettings(CircuitBreaker::Settings settings)
{
    QMutexLocker locker(&m_mutex);
    m_defaults = settings;
}

QJsonObject CircuitBreakerRegistry::snapshot() const
{
    QMutexLocker locker(&m_mutex);
    QJsonObject json;
    for (auto it = m_breakers.cbegin(); it != m_breakers.cend(); ++it)
        json.insert(it.key(), it.value()->snapshot());
    return json;
}

void CircuitBreakerRegistry::clear()
{
    QMutexLocker locker(&m_mutex);
    m_breakers.clear();
}

} // namespace tf::sync
