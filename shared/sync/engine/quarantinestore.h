#pragma once

#include "sync/mapping/fielderror.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

namespace tf::db {
class Database;
}

namespace tf::sync {

// A row that failed mapping or validation, as kept in the control database's `quarantine`.
struct QuarantineEntry
{
    qint64 id = 0;
    QString pairId;
    qint64 operationId = 0;
    QString entity; // EntitySpec::name
    QString sourceKey; // keyText of the source key
    QJsonObject sourceRow; // the source columns read
    QJsonObject transformedRow; // the mapped row (editable before a replay)
    QByteArray sourceHash; // the sync state hash a landed replay records
    QString rule; // of the first error
    QString field;
    QString message; // every error's message, "; "-separated
    QString status; // open, replayed, discarded
    int attempts = 0; // detections plus failed replays
    QDateTime createdAt;
    QDateTime updatedAt;

    QJsonObject toJson() const;
};

// The quarantine over the control database (thread-safe as tf::db::Database is: each
// thread uses its own connection). One entry per (pair, entity, source key).
class QuarantineStore final
{
    Q_DISABLE_COPY_MOVE(QuarantineStore)
public:
    explicit QuarantineStore(const db::Database &database);

    struct Record
    {
        QString pairId;
        qint64 operationId = 0;
        QString entity;
        QString sourceKey;
        QJsonObject sourceRow;
        QJsonObject transformedRow;
        QByteArray sourceHash;
        QList<FieldError> errors;
    };
    // Inserts, or updates the entry of the same (pair, entity, source key) and counts one
    // more attempt. A discarded entry stays discarded while the source row is the same
    // (same hash); a changed row that still fails, or a replayed one failing again, reopens.
    qint64 record(const Record &record);

    struct Page
    {
        QList<QuarantineEntry> entries;
        qint64 nextAfterId = 0; // pass as afterId for the next page; 0 when this was the last
    };
    // Entries of a pair by ascending id, after `afterId`; status empty means any.
    Page list(const QString &pairId, const QString &status, int limit, qint64 afterId = 0) const;
    // Entries across pairs, newest first (by id), narrowed by every filter that is set.
    struct Filter
    {
        QString pairId; // empty: every pair
        QString entity; // EntitySpec::name
        QString rule;
        QString status; // empty: any
        QDateTime since; // last detected or changed at or after; invalid: any time
        QDateTime createdAfter; // first quarantined at or after; invalid: any time
        QDateTime createdBefore; // first quarantined before; invalid: any time
        int limit = 100; // 1 to 10000
        qint64 beforeId = 0; // next page: ids below this
    };
    // nextAfterId holds the beforeId of the next page (0 when this was the last).
    Page search(const Filter &filter) const;
    // Throws tf::Error(NotFound).
    QuarantineEntry get(qint64 id) const;
    qint64 countOpen(const QString &pairId) const;
    // Open entries per pair (pairs with none left out), by pair id as stored.
    QList<QPair<QString, qint64>> countOpenByPair() const;

    // Replaces the transformed row of an open entry. Throws NotFound, or Conflict when the
    // entry is not open.
    void edit(qint64 id, const QJsonObject &transformedRow);
    // Throws NotFound, or Conflict when the entry was replayed.
    void discard(qint64 id);
    void markReplayed(qint64 id);
    void markReplayFailed(qint64 id, const QList<FieldError> &errors);

private:
    void setStatus(qint64 id, const QString &status, const QString &allowedFrom, const char *what);

    const db::Database &m_database;
};

} // namespace tf::sync
