#pragma once

#include "alertrules.h"
#include "db/repositories/alertrepository.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <atomic>
#include <functional>
#include <optional>

namespace tf::db {
class Database;
}

namespace tf::syncd {

// Turns rule verdicts into alert rows: raises an alert once while its condition holds (the
// alerts table refuses a second open one per rule and source), resolves it when the
// condition clears, logs both on "monitoring.alerts" and hands them to the notifier (the
// webhook). Thread-safe: the collector thread evaluates, worker threads raise event alerts;
// each caller passes the database, used through the calling thread's connection.
class AlertEngine final
{
    Q_DISABLE_COPY_MOVE(AlertEngine)
public:
    // event is "alert.raised" or "alert.resolved".
    using Notifier = std::function<void(const QString &event, const db::AlertRecord &alert)>;

    struct Changes
    {
        QList<db::AlertRecord> raised;
        QList<db::AlertRecord> resolved;
    };

    AlertEngine(AlertThresholds thresholds, QString nodeId);

    const AlertThresholds &thresholds() const { return m_thresholds; }
    void setNotifier(Notifier notifier) { m_notifier = std::move(notifier); } // before use

    Changes evaluate(const db::Database &database, const Observation &observation);
    Changes apply(const db::Database &database, const QList<RuleVerdict> &verdicts);

    // An alert for something that happened rather than a condition (a sync that failed for a
    // reason retries cannot fix): one open alert per rule and message until acknowledged and
    // resolved by an operator. nullopt when that alert is already open.
    std::optional<db::AlertRecord> raiseEvent(const db::Database &database, const QString &rule,
                                              const QString &message, const QJsonObject &details = {});

    // Resolves the open alerts of a deleted sync pair (its cdc rules' and its operations'
    // event alerts), noting the deletion in their details; announced like any resolution.
    QList<db::AlertRecord> resolveDeletedPair(const db::Database &database, qint64 pairId);
    // The same for every pair an open alert names that no longer exists: a rule evaluated
    // from figures read just before a DELETE cannot leave an alert open for good.
    QList<db::AlertRecord> resolveDeletedPairs(const db::Database &database);

    qint64 raisedCount() const { return m_raised.load(); }
    qint64 resolvedCount() const { return m_resolved.load(); }

private:
    void announceRaised(const db::AlertRecord &alert);
    void announceResolved(const db::AlertRecord &alert, const QString &message);

    const AlertThresholds m_thresholds;
    const QString m_nodeId;
    Notifier m_notifier;
    std::atomic<qint64> m_raised { 0 };
    std::atomic<qint64> m_resolved { 0 };
};

} // namespace tf::syncd
