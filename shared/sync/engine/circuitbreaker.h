#pragma once

#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QString>
#include <chrono>
#include <functional>
#include <memory>

namespace tf::sync {

struct CircuitBreakerSettings
{
    int failureThreshold = 5; // consecutive transient failures
    std::chrono::milliseconds coolDown { 30000 }; // open -> half-open
};

// Stops hammering an external system that keeps failing: after `failureThreshold`
// consecutive transient failures the breaker opens and calls fail at once; after `coolDown`
// one trial call is let through (half-open); its success closes the breaker, its failure
// opens it again for another cool-down. Thread-safe: workers share one breaker per system.
class CircuitBreaker final
{
    Q_DISABLE_COPY_MOVE(CircuitBreaker)
public:
    enum class State { Closed, Open, HalfOpen };
    using Clock = std::function<std::chrono::milliseconds()>; // monotonic "now"

    using Settings = CircuitBreakerSettings;

    explicit CircuitBreaker(QString systemId, Settings settings = {}, Clock clock = {});

    // True when a call may go ahead. An open breaker past its cool-down turns half-open and
    // admits exactly one trial call until that call reports back.
    bool allowRequest();
    void recordSuccess();
    void recordFailure();

    State state() const;
    int consecutiveFailures() const;
    const QString &systemId() const { return m_systemId; }
    void setSettings(Settings settings);
    void setClock(Clock clock);
    QJsonObject snapshot() const; // {"system", "state", "consecutive_failures", "opened_ms_ago"}

    static QString stateName(State state);

private:
    std::chrono::milliseconds now() const;

    const QString m_systemId;
    mutable QMutex m_mutex;
    Settings m_settings;
    Clock m_clock;
    State m_state = State::Closed;
    int m_failures = 0;
    bool m_trialInFlight = false;
    std::chrono::milliseconds m_openedAt { 0 };
};

// One breaker per external system id for the whole process, so every pair and worker that
// talks to a system sees the same state (and /health can show them all).
class CircuitBreakerRegistry final
{
    Q_DISABLE_COPY_MOVE(CircuitBreakerRegistry)
public:
    static CircuitBreakerRegistry &instance();

    // Created with the default settings on first use.
    std::shared_ptr<CircuitBreaker> breaker(const QString &systemId);
    void setDefaultSettings(CircuitBreaker::Settings settings);
    QJsonObject snapshot() const; // {"<system id>": breaker snapshot, ...}
    void clear(); // tests

private:
    CircuitBreakerRegistry() = default;

    mutable QMutex m_mutex;
    CircuitBreaker::Settings m_defaults;
    QHash<QString, std::shared_ptr<CircuitBreaker>> m_breakers;
};

} // namespace tf::sync
