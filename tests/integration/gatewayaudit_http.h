// Raw HTTP/1.1 with chunked transfer decoding, and an RFC 4180 CSV reader, for
// tst_gatewayaudit: the test must see the chunks themselves, which QNetworkAccessManager hides.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace tf::test {

struct ChunkedAnswer
{
    int status = 0;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;                       // de-chunked
    int chunks = 0;
    bool complete = false;                 // the zero-size last chunk arrived
};

// GET path from 127.0.0.1:port (with an Authorization header when given) and reads the
// answer: a chunked body chunk by chunk, else Content-Length bytes.
ChunkedAnswer getChunked(quint16 port, const QString &path, const QByteArray &authorization, int timeoutMs = 20000);

// Rows of fields; quoted fields may hold commas, doubled quotes, CR and LF.
QList<QStringList> parseCsv(const QByteArray &csv);

} // namespace tf::test
