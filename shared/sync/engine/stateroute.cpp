#include "stateroute.h"

#include "core/errors.h"

#include <QDataStream>

namespace tf::sync {

namespace {

void writeBatch(QDataStream &out, const ChangeBatch &batch)
{
    out << batch.pairId << batch.entity << batch.stateEntity << qint32(batch.stateUpserts.size());
    for (const StateEntry &entry : batch.stateUpserts)
        out << entry.sourceKey << entry.hash << entry.targetKey;
    out << batch.stateDeletes << batch.checkpoint.has_value();
    if (batch.checkpoint)
        out << batch.checkpoint->cursor << batch.checkpoint->key;
}

ChangeBatch readBatch(QDataStream &in)
{
    ChangeBatch batch;
    qint32 upserts = 0;
    in >> batch.pairId >> batch.entity >> batch.stateEntity >> upserts;
    for (qint32 i = 0; i < upserts; ++i) {
        StateEntry entry;
        in >> entry.sourceKey >> entry.hash >> entry.targetKey;
        batch.stateUpserts << entry;
    }
    bool hasCheckpoint = false;
    in >> batch.stateDeletes >> hasCheckpoint;
    if (hasCheckpoint) {
        Checkpoint checkpoint;
        in >> checkpoint.cursor >> checkpoint.key;
        batch.checkpoint = checkpoint;
    }
    return batch;
}

} // namespace

StateRoute::StateRoute(TargetConnector &target, const DetachedStateStore &detached)
    : m_target(target)
    , m_detached(detached)
    , m_transactional(target.isTransactional())
{
    if (m_transactional) {
        m_store = &target.stateStore();
        return;
    }
    if (!detached.store || !detached.applyState) {
        throw Error(
            Error::Kind::Internal,
            QStringLiteral("a non-transactional target needs the control database's state store"));
    }
    m_store = detached.store;
}

StateRoute::~StateRoute() = default;

void StateRoute::applied(const ChangeBatch &batch)
{
    if (m_transactional)
        return;
    if (batch.stateUpserts.isEmpty() && batch.stateDeletes.isEmpty() && !batch.checkpoint)
        return;
    if (!m_spill) {
        m_spill = std::make_unique<QTemporaryFile>();
        if (!m_spill->open())
            throw Error(Error::Kind::Internal,
                        QStringLiteral("cannot create a temporary file for sync state"));
    }
    QDataStream out(m_spill.get());
    writeBatch(out, batch);
    if (out.status() != QDataStream::Ok)
        throw Error(Error::Kind::Internal,
                    QStringLiteral("cannot write sync state to a temporary file"));
}

void StateRoute::finish(const QString &entity, bool success)
{
    m_target.endEntity(entity, success);
    if (success && m_spill)
        replay();
    m_spill.reset();
}

void StateRoute::replay()
{
    m_spill->flush();
    m_spill->seek(0);
    QDataStream in(m_spill.get());
    while (!in.atEnd()) {
        const ChangeBatch batch = readBatch(in);
        if (in.status() != QDataStream::Ok)
            throw Error(Error::Kind::Internal,
                        QStringLiteral("cannot read sync state back from a temporary file"));
        m_detached.applyState(batch);
    }
}

} // namespace tf::sync
