#pragma once

// Helpers shared by the fuzz targets (targets/*.cpp). Each target defines
// LLVMFuzzerTestOneInput; libFuzzer drives it in the clang build (TF_FUZZ), replaymain.cpp
// feeds it the corpus in the ordinary build. A broken property is a finding: it aborts, so
// libFuzzer saves the input and the replay suite fails on it.

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#define TF_FUZZ_REQUIRE(condition, what)                                                                   \
    do {                                                                                                   \
        if (!(condition)) {                                                                                \
            std::fprintf(stderr, "fuzz property broken at %s:%d: %s\n", __FILE__, __LINE__, what);         \
            std::abort();                                                                                  \
        }                                                                                                  \
    } while (false)

namespace tf::fuzz {

// Reads a fuzz input as a few control bytes followed by the payload, so one input can choose
// options (a delimiter, a column type) as well as carry the bytes under test.
class FuzzInput final
{
public:
    FuzzInput(const uint8_t *data, size_t size)
        : m_bytes(reinterpret_cast<const char *>(data), qsizetype(size))
    { }

    // The next byte, 0 when the input is used up.
    uint8_t byte()
    {
        if (m_position >= m_bytes.size())
            return 0;
        return uint8_t(m_bytes.at(m_position++));
    }
    // The bytes up to the next `separator` (not included), or the rest.
    QByteArrayView part(char separator)
    {
        const QByteArrayView rest = m_bytes.sliced(m_position);
        const qsizetype end = rest.indexOf(separator);
        if (end < 0) {
            m_position = m_bytes.size();
            return rest;
        }
        m_position += end + 1;
        return rest.first(end);
    }
    QByteArrayView rest()
    {
        const QByteArrayView bytes = m_bytes.sliced(m_position);
        m_position = m_bytes.size();
        return bytes;
    }
    bool atEnd() const { return m_position >= m_bytes.size(); }

private:
    QByteArrayView m_bytes;
    qsizetype m_position = 0;
};

inline QByteArrayView bytesOf(const uint8_t *data, size_t size)
{
    return QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size));
}

} // namespace tf::fuzz
