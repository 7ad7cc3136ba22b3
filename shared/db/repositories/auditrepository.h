#pragma once

#include "db/connection.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace tf::db {

// One audit trail entry (DESIGN.md section 5). entryHash = sha256(prevHash + canonical JSON of
// the content), so changing or removing an entry breaks the chain after it.
struct AuditEntry
{
    qint64 id = 0;
    QDateTime createdAt; // set by append() when invalid
    QString eventType;
    QString severity = QStringLiteral("info");
    QString resourceType;
    QString resourceId;
    qint64 operationId = 0; // 0: none
    QString description;
    QJsonObject previousState;
    QJsonObject newState;
    QString username;
    QString ipAddress;
    QString userAgent;
    QString correlationId;
    QString prevHash; // "" for the first entry
    QString entryHash;

    QJsonObject toJson() const;
    // The hashed content: every field but id and the hashes, keys sorted, compact.
    QByteArray canonicalContent() const;
    static QString computeHash(const QString &prevHash, const AuditEntry &entry);
};

// The `audit_entries` table, append-only.
class AuditRepository final
{
    Q_DISABLE_COPY_MOVE(AuditRepository)
public:
    explicit AuditRepository(Database &database)
        : m_database(database)
    { }

    // Links the entry to the latest one and stores it, in one transaction that holds the
    // audit lock so concurrent appenders (threads, processes, nodes) keep one linear chain.
    // Returns the stored entry (id, createdAt, prevHash, entryHash filled in).
    AuditEntry append(AuditEntry entry);
    QList<AuditEntry> latest(int limit) const; // newest first
    qint64 count() const;

private:
    Database &m_database;
};

} // namespace tf::db
