#pragma once

#include "filerowreader.h"

#include <QFile>
#include <QHash>
#include <QJsonObject>

namespace tf::sync::files {

// Lines of a JSON Lines file as objects: blank lines skipped, a BOM and CRLF tolerated.
// Throws tf::Error(Validation) naming the file and line for a line that is not a JSON object.
class JsonlLines
{
    Q_DISABLE_COPY_MOVE(JsonlLines)
public:
    explicit JsonlLines(const QString &path);

    bool next(QJsonObject *object);
    const QByteArray &lastLine() const { return m_lastLine; } // the line next() parsed
    qint64 line() const { return m_line; }
    const QString &fileName() const { return m_fileName; }

private:
    QFile m_file;
    QByteArray m_lastLine;
    QString m_fileName;
    qint64 m_line = 0;
};

// Columns from the first `sampleLines` objects: every key seen (in QJsonObject's sorted
// order), typed by its JSON values: string Text, integer Integer, other number Double,
// boolean Boolean, object/array Json; Integer with Double is Double, other mixes Text.
Schema inferJsonlSchema(const QString &path, int sampleLines);

// The rows of a JSON Lines file typed by `schema`. A key missing from a line is NULL. With
// strictKeys (an inferred schema), a key outside the schema is an error naming the line,
// rather than data silently dropped; with declared columns other keys are ignored. A value
// that does not read as its column's type is an error too with an inferred schema (the guess
// is wrong); with declared columns it is an UnreadableValue, quarantined with its row.
class JsonlRowReader final : public FileRowReader
{
public:
    JsonlRowReader(const QString &path, Schema schema, bool strictKeys);

    bool next(Row *row) override;

private:
    JsonlLines m_lines;
    Schema m_schema;
    QHash<QString, int> m_indexes;
    bool m_strictKeys;
};

} // namespace tf::sync::files
