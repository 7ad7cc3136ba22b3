#pragma once

#include "db/connection.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace tf::db {

// An external system (PACS, CAMA database, GIS service, CSV folder) a sync pair reads or writes.
struct SystemRecord
{
    qint64 id = 0;
    QString name;
    QString kind;
    QString description;
    QJsonObject settings;
    bool hasCredentials = false;
    QDateTime createdAt;
    QDateTime updatedAt;
    qint64 version = 1; // of the editable fields (the ETag); credentials included

    // Never includes the credentials, only whether there are any.
    QJsonObject toJson() const;
};

// The `systems` table. Credentials are stored as given (already encrypted by the caller)
// and are only read through credentials().
class SystemRepository final
{
    Q_DISABLE_COPY_MOVE(SystemRepository)
public:
    explicit SystemRepository(Database &database)
        : m_database(database)
    { }

    QList<SystemRecord> list() const; // by name
    // A page by ascending id: ids above afterId, at most limit (keyset paging).
    QList<SystemRecord> page(qint64 afterId, int limit) const;
    SystemRecord get(qint64 id) const; // NotFound when missing
    qint64 insert(const SystemRecord &record, const QByteArray &encryptedCredentials = {});
    // Name, kind, description, settings; the version goes up by one and is returned.
    // expectedVersion != 0: only when the stored version is that one, else
    // PreconditionFailed (NotFound when the system is gone).
    qint64 update(const SystemRecord &record, qint64 expectedVersion = 0);
    void remove(qint64 id, qint64 expectedVersion = 0); // as update()
    QByteArray credentials(qint64 id) const; // empty when none
    void setCredentials(qint64 id, const QByteArray &encryptedCredentials); // empty clears

private:
    SystemRecord read(const QSqlQuery &query) const;

    Database &m_database;
};

} // namespace tf::db
