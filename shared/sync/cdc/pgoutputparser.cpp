#include "pgoutputparser.h"

#include "core/errors.h"
#include "wirereader.h"

namespace tf::sync::cdc {

namespace {

Tuple readTuple(WireReader &in)
{
    const quint16 count = in.uint16();
    Tuple tuple;
    tuple.reserve(count);
    for (quint16 i = 0; i < count; ++i) {
        TupleValue value;
        const char kind = char(in.uint8());
        switch (kind) {
        case 'n':
            value.kind = TupleValue::Kind::Null;
            break;
        case 'u':
            value.kind = TupleValue::Kind::Unchanged;
            break;
        case 't': {
            value.kind = TupleValue::Kind::Text;
            const quint32 length = in.uint32();
            value.text = in.bytes(length);
            break;
        }
        default:
            // 'b' (binary) only comes with the "binary" option, which we never ask for.
            in.fail(QStringLiteral("unknown tuple value kind '%1' in column %2")
                        .arg(QLatin1Char(kind))
                        .arg(i));
        }
        tuple.append(std::move(value));
    }
    return tuple;
}

RelationMessage readRelation(WireReader &in)
{
    RelationMessage relation;
    relation.relationId = in.uint32();
    relation.schema = in.string();
    relation.name = in.string();
    relation.replicaIdentity = char(in.uint8());
    const quint16 count = in.uint16();
    relation.columns.reserve(count);
    for (quint16 i = 0; i < count; ++i) {
        RelationColumn column;
        column.isKey = (in.uint8() & 1) != 0;
        column.name = in.string();
        column.typeOid = in.uint32();
        column.typeModifier = qint32(in.uint32());
        relation.columns.append(std::move(column));
    }
    return relation;
}

UpdateMessage readUpdate(WireReader &in)
{
    UpdateMessage update;
    update.relationId = in.uint32();
    char marker = char(in.uint8());
    if (marker == 'K' || marker == 'O') {
        update.oldKind = marker;
        update.oldTuple = readTuple(in);
        marker = char(in.uint8());
    }
    if (marker != 'N')
        in.fail(QStringLiteral("update without its new tuple ('%1')").arg(QLatin1Char(marker)));
    update.newTuple = readTuple(in);
    return update;
}

DeleteMessage readDelete(WireReader &in)
{
    DeleteMessage removal;
    removal.relationId = in.uint32();
    removal.oldKind = char(in.uint8());
    if (removal.oldKind != 'K' && removal.oldKind != 'O')
        in.fail(
            QStringLiteral("delete without its old key ('%1')").arg(QLatin1Char(removal.oldKind)));
    removal.oldTuple = readTuple(in);
    return removal;
}

TruncateMessage readTruncate(WireReader &in)
{
    TruncateMessage truncate;
    const quint32 count = in.uint32();
    truncate.options = in.uint8();
    // Each id is 4 bytes: a count past the payload is caught before the allocation.
    in.require(qsizetype(count) * 4);
    truncate.relationIds.reserve(count);
    for (quint32 i = 0; i < count; ++i)
        truncate.relationIds.append(in.uint32());
    return truncate;
}

} // namespace

PgOutputMessage parsePgOutput(QByteArrayView payload)
{
    WireReader in(payload, QStringLiteral("pgoutput"));
    const char type = char(in.uint8());
    PgOutputMessage message;
    switch (type) {
    case 'B': {
        BeginMessage begin;
        begin.finalLsn = in.uint64();
        begin.commitTime = qint64(in.uint64());
        begin.xid = in.uint32();
        message = begin;
        break;
    }
    case 'C': {
        CommitMessage commit;
        commit.flags = in.uint8();
        commit.commitLsn = in.uint64();
        commit.endLsn = in.uint64();
        commit.commitTime = qint64(in.uint64());
        message = commit;
        break;
    }
    case 'O': {
        OriginMessage origin;
        origin.originLsn = in.uint64();
        origin.name = in.string();
        message = origin;
        break;
    }
    case 'R':
        message = readRelation(in);
        break;
    case 'Y': {
        TypeMessage typeMessage;
        typeMessage.typeOid = in.uint32();
        typeMessage.schema = in.string();
        typeMessage.name = in.string();
        message = typeMessage;
        break;
    }
    case 'I': {
        InsertMessage insert;
        insert.relationId = in.uint32();
        const char marker = char(in.uint8());
        if (marker != 'N')
            in.fail(QStringLiteral("insert without its new tuple ('%1')").arg(QLatin1Char(marker)));
        insert.newTuple = readTuple(in);
        message = insert;
        break;
    }
    case 'U':
        message = readUpdate(in);
        break;
    case 'D':
        message = readDelete(in);
        break;
    case 'T':
        message = readTruncate(in);
        break;
    case 'M': {
        LogicalMessage logical;
        logical.transactional = (in.uint8() & 1) != 0;
        logical.lsn = in.uint64();
        logical.prefix = in.string();
        logical.content = in.bytes(in.uint32());
        message = logical;
        break;
    }
    default:
        in.fail(QStringLiteral("unknown message type '%1'").arg(QLatin1Char(type)));
    }
    in.expectEnd();
    return message;
}

QString pgOutputMessageName(const PgOutputMessage &message)
{
    static const char *const names[] = { "Begin",  "Commit", "Origin", "Relation", "Type",
                                         "Insert", "Update", "Delete", "Truncate", "Message" };
    return QString::fromLatin1(names[message.index()]);
}

} // namespace tf::sync::cdc
