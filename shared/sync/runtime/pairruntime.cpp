#include "pairruntime.h"

#include "core/errors.h"
#include "db/controldatabase.h"
#include "sync/connectors/fileconnector.h"
#include "sync/definition/pairrecord.h"
#include "sync/systems/systemregistry.h"

namespace tf::sync {

db::SyncPairRecord findPair(db::SyncPairRepository &pairs, const QString &reference)
{
    bool isId = false;
    const qint64 id = reference.toLongLong(&isId);
    if (isId)
        return pairs.get(id);
    for (const db::SyncPairRecord &record : pairs.list()) {
        if (record.name == reference)
            return record;
    }
    throw Error(Error::Kind::NotFound, QStringLiteral("no sync pair with id or name '%1'").arg(reference));
}

std::unique_ptr<PairRuntime> PairRuntime::open(db::Database &control, const SecretBox &secrets, const QString &reference)
{
    auto runtime = std::make_unique<PairRuntime>();
    db::SyncPairRepository pairs(control);
    runtime->record = findPair(pairs, reference);
    runtime->spec = pairSpecFrom(definitionOf(runtime->record), QString::number(runtime->record.id));
    SystemRegistry systems(control, secrets);
    runtime->source = systems.openSource(runtime->record.sourceSystemId);
    runtime->target = systems.openTarget(runtime->record.targetSystemId);
    runtime->controlState = std::make_unique<ControlDbStateStore>(control);
    if (auto *file = dynamic_cast<FileConnector *>(runtime->target.get()))
        file->setStateStore(runtime->controlState.get());
    runtime->quarantine = std::make_unique<QuarantineStore>(control);
    return runtime;
}

SourceConnector &PairRuntime::targetReader()
{
    auto *reader = dynamic_cast<SourceConnector *>(target.get());
    if (!reader)
        throw Error(Error::Kind::Validation,
                    QStringLiteral("the target system of sync pair %1 cannot be read back, so it "
                                   "cannot be verified")
                        .arg(record.id));
    return *reader;
}

} // namespace tf::sync
