#include "alertengine.h"

#include <QCryptographicHash>
#include <QLoggingCategory>
#include <QSet>

Q_LOGGING_CATEGORY(lcAlerts, "monitoring.alerts")

namespace tf::syncd {

namespace {
QString key(const QString &rule, const QString &source)
{
    return rule + QChar(0x1f) + source;
}
} // namespace

AlertEngine::AlertEngine(AlertThresholds thresholds, QString nodeId)
    : m_thresholds(thresholds)
    , m_nodeId(std::move(nodeId))
{
}

AlertEngine::Changes AlertEngine::evaluate(const db::Database &database, const Observation &observation)
{
    return apply(database, alertrules::evaluate(observation, m_thresholds));
}

AlertEngine::Changes AlertEngine::apply(const db::Database &database, const QList<RuleVerdict> &verdicts)
{
    db::AlertRepository alerts(database);
    QSet<QString> open;
    for (const db::AlertRecord &alert : alerts.open())
        open.insert(key(alert.rule, alert.source));

    Changes changes;
    for (const RuleVerdict &verdict : verdicts) {
        const bool isOpen = open.contains(key(verdict.rule, verdict.source));
        if (verdict.firing && !isOpen) {
            // Figures read just before the pair's DELETE: its alert would stay open for good.
            db::AlertRecord subject;
            subject.source = verdict.source;
            if (const qint64 pair = db::AlertRepository::pairOf(subject); pair > 0 && !alerts.pairExists(pair))
                continue;
            QJsonObject details = verdict.details;
            details.insert(QStringLiteral("node"), m_nodeId);
            // nullopt: another node raised it between our read and this insert.
            if (std::optional<db::AlertRecord> raised
                = alerts.raise(verdict.rule, verdict.source, verdict.severity, verdict.message, details)) {
                announceRaised(*raised);
                changes.raised.append(*raised);
            }
        } else if (!verdict.firing && verdict.cleared && isOpen) {
            if (std::optional<db::AlertRecord> resolved = alerts.resolve(verdict.rule, verdict.source)) {
                announceResolved(*resolved, alertrules::resolvedMessage(verdict));
                changes.resolved.append(*resolved);
            }
        }
    }
    return changes;
}

std::optional<db::AlertRecord> AlertEngine::raiseEvent(const db::Database &database, const QString &rule,
                                                       const QString &message, const QJsonObject &details)
{
    // The source is a digest of the message: the same failure repeated is one open alert, a
    // different failure is another.
    const QString source = QStringLiteral("event:")
        + QString::fromLatin1(QCryptographicHash::hash(message.toUtf8(), QCryptographicHash::Sha1).toHex().left(16));
    QJsonObject withNode = details;
    withNode.insert(QStringLiteral("node"), m_nodeId);
    db::AlertRepository alerts(database);
    std::optional<db::AlertRecord> raised
        = alerts.raise(rule, source, QStringLiteral("critical"), message, withNode);
    if (raised)
        announceRaised(*raised);
    return raised;
}

QList<db::AlertRecord> AlertEngine::resolveDeletedPair(const db::Database &database, qint64 pairId)
{
    const QString note = QStringLiteral("sync pair %1 was deleted").arg(pairId);
    const QList<db::AlertRecord> resolved = db::AlertRepository(database).resolveForPair(pairId, note);
    for (const db::AlertRecord &alert : resolved)
        announceResolved(alert, QStringLiteral("Alert closed: %1").arg(note));
    return resolved;
}

QList<db::AlertRecord> AlertEngine::resolveDeletedPairs(const db::Database &database)
{
    QList<db::AlertRecord> resolved;
    for (const qint64 pair : db::AlertRepository(database).deletedPairsWithOpenAlerts())
        resolved += resolveDeletedPair(database, pair);
    return resolved;
}

void AlertEngine::announceRaised(const db::AlertRecord &alert)
{
    ++m_raised;
    qCWarning(lcAlerts).noquote() << alert.message << QStringLiteral("(alert %1, rule %2, severity %3)")
                                                          .arg(alert.id)
                                                          .arg(alert.rule, alert.severity);
    if (m_notifier)
        m_notifier(QStringLiteral("alert.raised"), alert);
}

void AlertEngine::announceResolved(const db::AlertRecord &alert, const QString &message)
{
    ++m_resolved;
    qCInfo(lcAlerts).noquote() << message << QStringLiteral("(alert %1 resolved, rule %2)").arg(alert.id).arg(alert.rule);
    if (m_notifier)
        m_notifier(QStringLiteral("alert.resolved"), alert);
}

} // namespace tf::syncd
