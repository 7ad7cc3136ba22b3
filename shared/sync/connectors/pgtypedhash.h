#pragma once

#include "postgrestypes.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QtGlobal>

namespace tf::sync::pg {

class CopyTextParser;

// PostgreSQL's hash_bytes_extended (the Jenkins hash behind hash_any_extended and the
// extended hash of text, bytea and uuid) as a little-endian server computes it: words are
// read as little-endian whatever this machine is. A big-endian server gives other values;
// typedHashProbeSql() tells the two apart.
quint64 pgHashBytesExtended(QByteArrayView bytes, quint64 seed = 0);
// hash_bytes_uint32_extended: the extended hash of bool and "char" (hashcharextended).
quint64 pgHashUint32Extended(quint32 value, quint64 seed = 0);

// The typed state hash of a row (sourceHashExpression(columns, true): hash_record_extended
// over typedExpression() of each column, as a decimal int8 text) computed in tfctl from the
// row's COPY fields, copyList(columns)'s texts, instead of by the source server: the same
// value, byte for byte. The server then sends the values only (on a 1M-row full sync the
// hash was a third of the source's COPY statement).
class PgTypedRowHasher final
{
public:
    explicit PgTypedRowHasher(const QList<PgColumn> &columns);

    // The hash of the parsed line (fields 0 .. columns - 1). Throws tf::Error(Internal)
    // naming `what` when a field is not the text copyExpression() writes.
    QByteArray hash(const CopyTextParser &fields, const QString &what) const;

private:
    enum class Form { Bytes, Numeric, BpChar, Integer, Double, Boolean, Date, Timestamp, Uuid, Hex };
    QList<Form> m_forms;
};

// One row of fixed values whose typed hash the server computes by this query and
// typedHashProbeExpected() computes here: equal on every little-endian server.
QByteArray typedHashProbeSql();
QByteArray typedHashProbeExpected();

} // namespace tf::sync::pg
