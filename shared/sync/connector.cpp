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
