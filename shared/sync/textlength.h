#pragma once

#include <QStringView>

namespace tf::sync {

// The characters (Unicode code points) of `text`, as toUcs4().size() counts them (a surrogate
// pair is one, an unpaired surrogate one too), without making the UCS-4 copy: varchar(n) and
// CHAR(n) limits are checked per value.
inline qsizetype codePoints(QStringView text)
{
    qsizetype pairs = 0;
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i).isHighSurrogate() && text.at(i + 1).isLowSurrogate()) {
            ++pairs;
            ++i;
        }
    }
    return text.size() - pairs;
}

// The bytes of `text` in UTF-8, as toUtf8().size() counts them (Qt writes an unpaired surrogate
// as '?', 1 byte), without making the UTF-8 copy.
inline qsizetype utf8Length(QStringView text)
{
    qsizetype bytes = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if (c < 0x80) {
            bytes += 1;
        } else if (c < 0x800) {
            bytes += 2;
        } else if (QChar::isHighSurrogate(c) && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
            bytes += 4;
            ++i;
        } else if (QChar::isSurrogate(c)) {
            bytes += 1;
        } else {
            bytes += 3;
        }
    }
    return bytes;
}

} // namespace tf::sync
