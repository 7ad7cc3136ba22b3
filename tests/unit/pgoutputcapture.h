#pragma once

#include "sync/cdc/pgoutputparser.h"

#include <QFile>
#include <QList>

namespace tf::test {

struct CapturedMessage
{
    QString lsn;
    quint32 xid = 0;
    QByteArray bytes;
};

// tests/unit/data/pgoutput_v1_capture.txt: what PostgreSQL 15 sent for
// pgoutput_v1_capture.sql, one message a line (lsn|xid|hex). Empty when unreadable.
inline QList<CapturedMessage> loadPgOutputCapture()
{
    QFile file(qEnvironmentVariable("TF_SOURCE_DIR")
               + QStringLiteral("/tests/unit/data/pgoutput_v1_capture.txt"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<CapturedMessage> messages;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const QList<QByteArray> parts = line.split('|');
        if (parts.size() != 3)
            return {};
        messages.append(
            { QString::fromLatin1(parts[0]), parts[1].toUInt(), QByteArray::fromHex(parts[2]) });
    }
    return messages;
}

} // namespace tf::test
