#pragma once

#include "db/connection.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace tf::db {

// A row of `alerts`. Open alerts (raised or acknowledged) are unique per (rule, source): the
// source is where the condition was seen (a host name) or '' for a cluster-wide rule.
struct AlertRecord
{
    qint64 id = 0;
    QString rule;
    QString source;
    QString severity;     // info, warning, critical
    QString message;
    QString status;       // raised, acknowledged, resolved
    QJsonObject details;
    QDateTime raisedAt;
    QDateTime acknowledgedAt;
    QString acknowledgedBy;
    QDateTime resolvedAt;

    bool isOpen() const { return status != QLatin1String("resolved"); }
    QJsonObject toJson() const;
};

// The `alerts` table. Every change is one statement, so nodes evaluating the same rules at
// once cannot open two alerts for one condition (the partial unique index decides).
class AlertRepository final
{
    Q_DISABLE_COPY_MOVE(AlertRepository)
public:
    explicit AlertRepository(const Database &database)
        : m_database(database)
    { }

    // Inserts a raised alert; nullopt when one is already open for the rule and source.
    std::optional<AlertRecord> raise(const QString &rule, const QString &source, const QString &severity,
                                     const QString &message, const QJsonObject &details);
    // Resolves the open alert of the rule and source; nullopt when none was open.
    std::optional<AlertRecord> resolve(const QString &rule, const QString &source);
    // The sync pair an alert is about: its source "pair:<id>" (the cdc rules) or its
    // details' pair_id (event alerts of a pair's operations); 0 for none.
    static qint64 pairOf(const AlertRecord &alert);
    // Resolves every open alert of the pair, `note` in its details ("resolution"): a deleted
    // pair's conditions can no longer clear by themselves. Returns the alerts resolved.
    QList<AlertRecord> resolveForPair(qint64 pairId, const QString &note);
    // The pairs open alerts name that are no longer in sync_pairs, by id.
    QList<qint64> deletedPairsWithOpenAlerts() const;
    bool pairExists(qint64 pairId) const;
    // Marks an open alert acknowledged (idempotent); Conflict when it is resolved, NotFound.
    AlertRecord acknowledge(qint64 id, const QString &by);

    AlertRecord get(qint64 id) const; // NotFound
    QList<AlertRecord> open() const;   // raised and acknowledged, oldest first

    struct ListFilter
    {
        QString status;       // "", "all", "raised", "acknowledged", "resolved", "open"
        int limit = 50;
        qint64 beforeId = 0;  // cursor: ids below this
    };
    QList<AlertRecord> list(const ListFilter &filter) const; // newest first

private:
    AlertRecord read(const QSqlQuery &query) const;
    std::optional<AlertRecord> readOne(QSqlQuery &query) const;

    const Database &m_database;
};

} // namespace tf::db
