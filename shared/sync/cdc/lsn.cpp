#include "lsn.h"

namespace tf::sync::cdc {

namespace {

// Seconds between 1970-01-01 and 2000-01-01.
constexpr qint64 kPgEpochOffsetSeconds = 946684800;

std::optional<quint32> parseHalf(QStringView text)
{
    if (text.isEmpty() || text.size() > 8)
        return std::nullopt;
    bool ok = false;
    const uint value = text.toUInt(&ok, 16);
    // toUInt accepts a leading sign or spaces in some spellings: only hex digits pass here.
    for (const QChar c : text) {
        if (!c.isDigit() && !(c.toLower() >= QLatin1Char('a') && c.toLower() <= QLatin1Char('f')))
            return std::nullopt;
    }
    return ok ? std::optional<quint32>(value) : std::nullopt;
}

} // namespace

QString formatLsn(Lsn lsn)
{
    return QStringLiteral("%1/%2")
        .arg(quint32(lsn >> 32), 0, 16)
        .arg(quint32(lsn & 0xffffffffu), 0, 16)
        .toUpper();
}

std::optional<Lsn> parseLsn(QStringView text)
{
    const qsizetype slash = text.indexOf(QLatin1Char('/'));
    if (slash < 0)
        return std::nullopt;
    const auto high = parseHalf(text.left(slash));
    const auto low = parseHalf(text.mid(slash + 1));
    if (!high || !low)
        return std::nullopt;
    return (Lsn(*high) << 32) | Lsn(*low);
}

qint64 toPgEpochMicros(qint64 unixMillis)
{
    return (unixMillis - kPgEpochOffsetSeconds * 1000) * 1000;
}

qint64 fromPgEpochMicros(qint64 pgMicros)
{
    return pgMicros / 1000 + kPgEpochOffsetSeconds * 1000;
}

} // namespace tf::sync::cdc
