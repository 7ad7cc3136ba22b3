#pragma once

#include "lsn.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>
#include <variant>

namespace tf::sync::cdc {

// The messages of PostgreSQL's pgoutput plugin, protocol version 1 (see "Logical Replication
// Message Formats" in the PostgreSQL manual). Times are microseconds since 2000-01-01 UTC.

// One column of a tuple: 'n' NULL, 'u' an unchanged TOASTed value the server did not send
// (the target's value must stay as it is), 't' a value in its text output form.
struct TupleValue
{
    enum class Kind : char { Null = 'n', Unchanged = 'u', Text = 't' };
    Kind kind = Kind::Null;
    QByteArray text; // Kind::Text only
};
using Tuple = QList<TupleValue>;

struct BeginMessage
{
    Lsn finalLsn = 0; // the LSN of the transaction's commit record
    qint64 commitTime = 0;
    quint32 xid = 0;
};

struct CommitMessage
{
    quint8 flags = 0;
    Lsn commitLsn = 0; // the commit record
    Lsn endLsn = 0; // just past it: where a restart resumes
    qint64 commitTime = 0;
};

struct OriginMessage
{
    Lsn originLsn = 0;
    QString name;
};

struct RelationColumn
{
    bool isKey = false; // part of the replica identity
    QString name;
    quint32 typeOid = 0;
    qint32 typeModifier = -1;
};

struct RelationMessage
{
    quint32 relationId = 0;
    QString schema;
    QString name;
    // 'd' default (primary key), 'n' nothing, 'f' full, 'i' an index.
    char replicaIdentity = 'd';
    QList<RelationColumn> columns;
};

struct TypeMessage
{
    quint32 typeOid = 0;
    QString schema;
    QString name;
};

struct InsertMessage
{
    quint32 relationId = 0;
    Tuple newTuple;
};

struct UpdateMessage
{
    quint32 relationId = 0;
    // 'K' the old key (the key changed), 'O' the whole old row (REPLICA IDENTITY FULL), or
    // nothing ('\0') when the key did not change under DEFAULT identity.
    char oldKind = '\0';
    Tuple oldTuple;
    Tuple newTuple;
};

struct DeleteMessage
{
    quint32 relationId = 0;
    char oldKind = 'K'; // 'K' key columns only (other columns 'n'), 'O' the whole row
    Tuple oldTuple;
};

struct TruncateMessage
{
    enum Option : quint8 { Cascade = 1, RestartIdentity = 2 };
    quint8 options = 0;
    QList<quint32> relationIds;
};

// A logical decoding message (pg_logical_emit_message); only sent when asked for.
struct LogicalMessage
{
    bool transactional = false;
    Lsn lsn = 0;
    QString prefix;
    QByteArray content;
};

using PgOutputMessage
    = std::variant<BeginMessage, CommitMessage, OriginMessage, RelationMessage, TypeMessage,
                   InsertMessage, UpdateMessage, DeleteMessage, TruncateMessage, LogicalMessage>;

} // namespace tf::sync::cdc
