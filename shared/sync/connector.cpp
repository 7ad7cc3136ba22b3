#include "connector.h"

#include "core/errors.h"

namespace tf::sync {

void SourceConnector::readKeyHashes(const ReadRequest &, const KeyHashSink &)
{
    throw Error(Error::Kind::Internal, QStringLiteral("this source does not compute hashes itself"));
}

CursorHorizon SourceConnector::cursorHorizon(const QString &, const QString &)
{
    return {};
}

qint64 SourceConnector::estimateRows(const ReadRequest &, const QString &,
                                     const std::optional<Checkpoint> &)
{
    return kUnknownRows;
}

ChangeLogStart SourceConnector::startChangeLog(const QString &entity, const std::optional<qint64> &)
{
    throw Error(Error::Kind::Validation,
                QStringLiteral("'%1': this source keeps no change log (cursor kind change_tracking needs a "
                               "sqlserver source with Change Tracking enabled)")
                    .arg(entity));
}

void SourceConnector::readChangeLog(const ReadRequest &request, qint64, const ChangeLogSink &)
{
    startChangeLog(request.entity, std::nullopt);
}

QByteArray SourceConnector::hashRow(const Row &row, const Schema &schema) const
{
    return rowHash(row, schema);
}

void StateStore::stageWritten(const QList<StateEntry> &)
{
    throw Error(Error::Kind::Internal, QStringLiteral("this state store does not stage state"));
}

void StateStore::applyStaged()
{
    throw Error(Error::Kind::Internal, QStringLiteral("this state store does not stage state"));
}

QStringList StateStore::unaccountedPending(const QString &, const QString &)
{
    return {};
}

void StateStore::clearPending(const QString &, const QString &, const QString &) { }

QList<StateEntry> StateStore::stateOf(const QString &, const QString &, const QStringList &)
{
    throw Error(Error::Kind::Internal, QStringLiteral("this state store cannot look up state by key"));
}

bool TargetConnector::isEmpty(const QString &)
{
    return false;
}

QList<FieldError> TargetConnector::unrepresentable(const QString &, const Schema &, const Row &)
{
    return {};
}

QList<QList<FieldError>> TargetConnector::unrepresentableRows(const QString &entity,
                                                              const Schema &schema,
                                                              const QList<const Row *> &rows)
{
    QList<QList<FieldError>> errors;
    errors.reserve(rows.size());
    for (const Row *row : rows)
        errors << unrepresentable(entity, schema, *row);
    return errors;
}

bool TargetConnector::hasUniqueKey(const QString &, const QStringList &)
{
    return true;
}

void TargetConnector::beginEntity(const QString &, SchemaPtr, const QStringList &) { }

void TargetConnector::endEntity(const QString &, bool) { }

} // namespace tf::sync
