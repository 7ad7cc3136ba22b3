#pragma once

#include "db/connection.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace tf::db {

// A configured sync: source entity of one system -> target entity of another, with the
// mapping, validation and options in `definition`.
struct SyncPairRecord
{
    qint64 id = 0;
    QString name;
    QString description;
    qint64 sourceSystemId = 0;
    QString sourceEntity;
    qint64 targetSystemId = 0;
    QString targetEntity;
    QJsonObject definition;
    bool enabled = true;
    QString schedule; // empty: manual only
    QDateTime nextRunAt; // invalid: not scheduled
    QDateTime createdAt;
    QDateTime updatedAt;
    qint64 version = 1; // of the editable fields (the ETag); not next_run_at

    QJsonObject toJson() const;
};

// The `sync_pairs` table.
class SyncPairRepository final
{
    Q_DISABLE_COPY_MOVE(SyncPairRepository)
public:
    explicit SyncPairRepository(Database &database)
        : m_database(database)
    { }

    QList<SyncPairRecord> list() const; // by name
    // A page by ascending id: ids above afterId, at most limit (keyset paging).
    QList<SyncPairRecord> page(qint64 afterId, int limit) const;
    SyncPairRecord get(qint64 id) const; // NotFound when missing
    qint64 insert(const SyncPairRecord &record); // Conflict: duplicate name or unknown system
    // Every field but id and createdAt; the version goes up by one and is returned.
    // expectedVersion != 0: only when the stored version is that one, else
    // PreconditionFailed (NotFound when the pair is gone).
    qint64 update(const SyncPairRecord &record, qint64 expectedVersion = 0);
    // Its operations go with it (ON DELETE CASCADE). expectedVersion as update().
    void remove(qint64 id, qint64 expectedVersion = 0);

private:
    SyncPairRecord read(const QSqlQuery &query) const;
    void bindContent(QSqlQuery &query, const SyncPairRecord &record) const;

    Database &m_database;
};

} // namespace tf::db
