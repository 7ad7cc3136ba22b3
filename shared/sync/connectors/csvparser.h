#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringDecoder>

class QIODevice;

namespace tf::sync::files {

// One field of a CSV record. `quoted` tells "" (empty string) from nothing (NULL).
struct CsvField
{
    QString text;
    bool quoted = false;
};
using CsvRecord = QList<CsvField>;

// RFC 4180 reader over a device, 64 KiB at a time (memory holds one record, never the
// file): quoted fields with delimiters, "" escapes and line ends inside; CRLF, LF or CR
// line ends; UTF-8 with or without a BOM. Throws tf::Error(Validation) naming the file and
// line for a stray quote, text after a closing quote, an unclosed quote, or invalid UTF-8.
class CsvParser final
{
    Q_DISABLE_COPY_MOVE(CsvParser)
public:
    CsvParser(QIODevice *device, char delimiter, QString fileName);

    // The next record; false at the end of the file.
    bool next(CsvRecord *record);
    // The line the last record started on (1-based).
    qint64 line() const { return m_recordLine; }

private:
    int get();  // next byte, -1 at the end
    int peek();
    bool fill();
    void endField(CsvRecord *record, bool quoted);
    [[noreturn]] void fail(const QString &what, qint64 line) const;

    QIODevice *m_device;
    char m_delimiter;
    QString m_fileName;
    QByteArray m_buffer;
    qsizetype m_position = 0;
    QByteArray m_field;
    qint64 m_line = 1;
    qint64 m_recordLine = 1;
    bool m_started = false;
    QStringDecoder m_decoder { QStringDecoder::Utf8 };
};

} // namespace tf::sync::files
