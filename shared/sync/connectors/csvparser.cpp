#include "csvparser.h"

#include "core/errors.h"

#include <QIODevice>

namespace tf::sync::files {

namespace {
constexpr qint64 kChunkSize = 64 * 1024;
}

CsvParser::CsvParser(QIODevice *device, char delimiter, QString fileName)
    : m_device(device)
    , m_delimiter(delimiter)
    , m_fileName(std::move(fileName))
{
}

bool CsvParser::fill()
{
    m_buffer = m_device->read(kChunkSize);
    m_position = 0;
    if (!m_started) {
        m_started = true;
        if (m_buffer.startsWith("\xEF\xBB\xBF"))
            m_position = 3;
    }
    return m_position < m_buffer.size();
}

int CsvParser::get()
{
    if (m_position >= m_buffer.size() && !fill())
        return -1;
    return static_cast<unsigned char>(m_buffer.at(m_position++));
}

int CsvParser::peek()
{
    if (m_position >= m_buffer.size() && !fill())
        return -1;
    return static_cast<unsigned char>(m_buffer.at(m_position));
}

void CsvParser::fail(const QString &what, qint64 line) const
{
    throw Error(Error::Kind::Validation, QStringLiteral("%1 line %2: %3").arg(m_fileName).arg(line).arg(what),
                QJsonObject { { QStringLiteral("file"), m_fileName }, { QStringLiteral("line"), line } });
}

void CsvParser::endField(CsvRecord *record, bool quoted)
{
    CsvField field;
    field.text = m_decoder.decode(m_field);
    field.quoted = quoted;
    if (m_decoder.hasError())
        fail(QStringLiteral("field %1 is not valid UTF-8").arg(record->size() + 1), m_recordLine);
    record->append(std::move(field));
    m_field.clear();
}

bool CsvParser::next(CsvRecord *record)
{
    record->clear();
    if (peek() < 0)
        return false;
    m_recordLine = m_line;
    enum class State { FieldStart, Unquoted, Quoted, AfterQuote } state = State::FieldStart;
    const auto endOfLine = [this](int c) {
        if (c == '\r' && peek() == '\n')
            get();
        if (c >= 0)
            ++m_line;
    };
    for (;;) {
        const int c = get();
        const bool lineEnd = c == '\n' || c == '\r' || c < 0;
        switch (state) {
        case State::FieldStart:
        case State::Unquoted:
            if (c == m_delimiter) {
                endField(record, false);
                state = State::FieldStart;
            } else if (lineEnd) {
                endField(record, false);
                endOfLine(c);
                return true;
            } else if (c == '"') {
                if (state == State::Unquoted)
                    fail(QStringLiteral("a quote inside an unquoted field (field %1); quote the whole field and "
                                        "double the quote")
                             .arg(record->size() + 1),
                         m_line);
                state = State::Quoted;
            } else {
                m_field.append(char(c));
                state = State::Unquoted;
            }
            break;
        case State::Quoted:
            if (c < 0)
                fail(QStringLiteral("a quoted field is never closed"), m_recordLine);
            if (c == '"') {
                if (peek() == '"') {
                    get();
                    m_field.append('"');
                } else {
                    state = State::AfterQuote;
                }
            } else {
                if (c == '\n' || (c == '\r' && peek() != '\n'))
                    ++m_line;
                m_field.append(char(c));
            }
            break;
        case State::AfterQuote:
            if (c == m_delimiter) {
                endField(record, true);
                state = State::FieldStart;
            } else if (lineEnd) {
                endField(record, true);
                endOfLine(c);
                return true;
            } else {
                fail(QStringLiteral("text after the closing quote of field %1").arg(record->size() + 1), m_line);
            }
            break;
        }
    }
}

} // namespace tf::sync::files
