#include "connector.h"

#include "core/errors.h"

namespace tf::sync {

void SourceConnector::readKeyHashes(const ReadRequest &, const KeyHashSink &)
{
    throw Error(Error::Kind::Internal, QStringLiteral("this source does not compute hashes itself"));
}

void TargetConnector::beginEntity(const QString &, SchemaPtr, const QStringList &) { }

void TargetConnector::endEntity(const QString &, bool) { }

} // namespace tf::sync
