#pragma once

#include "pgoutputmessages.h"

#include <QByteArrayView>

namespace tf::sync::cdc {

// Decodes one pgoutput v1 message (the payload of one XLogData frame). Throws
// tf::Error(Internal, "pgoutput: ...") for a truncated or unknown message, naming the message
// type and the offset: the stream cannot be trusted past a message it did not understand.
PgOutputMessage parsePgOutput(QByteArrayView payload);

// The message type's letter ('B', 'C', 'R', ...) and a short name, for logs.
QString pgOutputMessageName(const PgOutputMessage &message);

} // namespace tf::sync::cdc
