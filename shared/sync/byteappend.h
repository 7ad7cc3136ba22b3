#pragma once

#include <QByteArray>

#include <cstring>

namespace tf::sync {

// Appending to the COPY text a piece at a time without a QByteArray call per piece: Qt 6.4's
// append(const char *, n) goes through insert() (QByteArray::insert was 6 % of tfctl's samples
// in a 1M-row MariaDB full run, the writer's memmove as much again). The buffers are reserved a
// chunk ahead (PgCopyIn), so the room is nearly always there and a piece is one memcpy.

// Room for n more bytes after out's end; write them through the pointer returned, then
// commitSpace() with how many were written (at most n). A shared or too small array is
// detached or grown first (by doubling, as appending would).
inline char *appendSpace(QByteArray &out, qsizetype n)
{
    QByteArray::DataPointer &d = out.data_ptr();
    if (d.needsDetach() || d.freeSpaceAtEnd() <= n)
        out.reserve(qMax(2 * out.capacity(), out.size() + n + 1));
    return out.data_ptr().data() + out.size();
}

inline void commitSpace(QByteArray &out, qsizetype written)
{
    QByteArray::DataPointer &d = out.data_ptr();
    d.size += written;
    d.data()[d.size] = '\0';
}

inline void appendBytes(QByteArray &out, const char *bytes, qsizetype n)
{
    if (n <= 0)
        return;
    std::memcpy(appendSpace(out, n), bytes, size_t(n));
    commitSpace(out, n);
}

inline void appendBytes(QByteArray &out, const QByteArray &bytes)
{
    appendBytes(out, bytes.constData(), bytes.size());
}

inline void appendByte(QByteArray &out, char c)
{
    *appendSpace(out, 1) = c;
    commitSpace(out, 1);
}

} // namespace tf::sync
