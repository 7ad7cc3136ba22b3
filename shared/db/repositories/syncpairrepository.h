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
    SyncPairRecord get(qint64 id) const; // NotFound when missing
    qint64 insert(const SyncPairRecord &record); // Conflict: duplicate name or unknown system
    void update(const SyncPairRecord &record); // every field but id and createdAt
    void remove(qint64 id); // its operations go with it (ON DELETE CASCADE)

private:
    SyncPairRecord read(const QSqlQuery &query) const;
    void bindContent(QSqlQuery &query, const SyncPairRecord &record) const;

    Database &m_database;
};

} // namespace tf::db
