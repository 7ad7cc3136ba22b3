#include "wirereader.h"

#include "core/errors.h"

#include <cstring>

namespace tf::sync::cdc {

WireReader::WireReader(QByteArrayView data, QString what)
    : m_data(data)
    , m_what(std::move(what))
{ }

void WireReader::fail(const QString &problem) const
{
    throw Error(Error::Kind::Internal,
                QStringLiteral("%1: %2 (at byte %3 of %4)")
                    .arg(m_what, problem)
                    .arg(m_offset)
                    .arg(m_data.size()));
}

void WireReader::require(qsizetype length) const
{
    if (length < 0 || m_data.size() - m_offset < length)
        fail(QStringLiteral("message ends early: %1 more bytes expected").arg(length));
}

quint64 WireReader::number(int size)
{
    require(size);
    quint64 value = 0;
    for (int i = 0; i < size; ++i)
        value = (value << 8) | quint8(m_data.at(m_offset + i));
    m_offset += size;
    return value;
}

quint8 WireReader::uint8()
{
    return quint8(number(1));
}
quint16 WireReader::uint16()
{
    return quint16(number(2));
}
quint32 WireReader::uint32()
{
    return quint32(number(4));
}
quint64 WireReader::uint64()
{
    return number(8);
}

QString WireReader::string()
{
    const void *nul = std::memchr(m_data.data() + m_offset, 0, size_t(m_data.size() - m_offset));
    const qsizetype end = nul ? static_cast<const char *>(nul) - (m_data.data() + m_offset) : -1;
    if (end < 0)
        fail(QStringLiteral("string without its terminating NUL"));
    const QString value = QString::fromUtf8(m_data.sliced(m_offset, end));
    m_offset += end + 1;
    return value;
}

QByteArray WireReader::bytes(qsizetype length)
{
    require(length);
    const QByteArray value = m_data.sliced(m_offset, length).toByteArray();
    m_offset += length;
    return value;
}

void WireReader::expectEnd() const
{
    if (m_offset != m_data.size())
        fail(QStringLiteral("%1 bytes left over after the message").arg(m_data.size() - m_offset));
}

} // namespace tf::sync::cdc
