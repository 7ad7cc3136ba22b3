#pragma once

#include "sync/connector.h"
#include "systemdefinition.h"

#include <QtGlobal>
#include <memory>

namespace tf {
class SecretBox;
namespace db {
class Database;
class SystemRepository;
struct SystemRecord;
}
} // namespace tf

namespace tf::sync {

// External systems as the sync engine sees them: definitions validated before they are
// stored, credentials sealed with the SecretBox into systems.credentials_encrypted and
// opened only in memory, connectors built from the stored settings. Credentials are never
// logged, and nothing here returns them except load() and settings(), for the engine.
class SystemRegistry final
{
    Q_DISABLE_COPY_MOVE(SystemRegistry)
public:
    SystemRegistry(db::Database &control, const SecretBox &box);

    // Validates, stores, returns the new id. Conflict when the name is taken. Every way of
    // changing systems (the API's SystemsController, `tfctl system`) goes through here.
    qint64 create(const SystemDefinition &definition);
    // Replaces name, kind, description and settings. The stored credentials are kept unless
    // replaceCredentials, in which case they become definition.credentials (empty clears
    // them): an API client that never saw the secrets can edit the rest without losing them.
    // NotFound, then Conflict (name_taken) when another system has the name. Returns the new
    // version; expectedVersion != 0: only when the system is still at that version (If-Match),
    // else PreconditionFailed and nothing changes (checked by the UPDATE itself).
    qint64 update(qint64 id, const SystemDefinition &definition, bool replaceCredentials,
                  qint64 expectedVersion = 0);
    // Deletes the system and returns what it was. Conflict naming every sync pair that uses
    // it (code in_use, details.pair_ids): those must be deleted or changed first.
    // expectedVersion as update().
    db::SystemRecord remove(qint64 id, qint64 expectedVersion = 0);
    // The definition with its credentials decrypted. NotFound for an unknown id; Validation
    // when the credentials cannot be decrypted (wrong key or damaged data).
    SystemDefinition load(qint64 id) const;
    SystemSettings settings(qint64 id) const;

    std::unique_ptr<SourceConnector> openSource(qint64 id) const;
    std::unique_ptr<TargetConnector> openTarget(qint64 id) const;

private:
    QByteArray sealCredentials(const QJsonObject &credentials) const;

    db::Database &m_control;
    const SecretBox &m_box;
};

// The system a reference names: its id, or else its exact name. Throws tf::Error(NotFound).
db::SystemRecord findSystem(const db::SystemRepository &systems, const QString &reference);

} // namespace tf::sync
