#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace tf::sync::cdc {

// Reads the big-endian integers and NUL-terminated strings of PostgreSQL's wire protocol
// from one message. Every read checks the bounds: a short message throws
// tf::Error(Internal, "<what>: ...") naming the offset, never reads past the end.
class WireReader final
{
public:
    WireReader(QByteArrayView data, QString what);

    quint8 uint8();
    quint16 uint16();
    quint32 uint32();
    quint64 uint64();
    QString string(); // UTF-8 up to the NUL, which is consumed
    QByteArray bytes(qsizetype length);
    void require(qsizetype length) const; // throws when fewer bytes are left
    void expectEnd() const; // throws when bytes are left over
    qsizetype offset() const { return m_offset; }

    [[noreturn]] void fail(const QString &problem) const;

private:
    quint64 number(int size);

    QByteArrayView m_data;
    QString m_what;
    qsizetype m_offset = 0;
};

} // namespace tf::sync::cdc
