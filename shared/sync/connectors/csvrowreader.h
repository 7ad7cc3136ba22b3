#pragma once

#include "csvparser.h"
#include "filerowreader.h"
#include "filesettings.h"

#include <QFile>

namespace tf::sync::files {

// Opens a CSV file and reads its header row. Throws tf::Error(NotFound / Unavailable) when
// the file cannot be opened and tf::Error(Validation) for an empty file, duplicate or empty
// header names, or declared columns missing from the header.
class CsvFile
{
    Q_DISABLE_COPY_MOVE(CsvFile)
public:
    CsvFile(const QString &path, const FileSettings &settings);

    // Header names with their declared types (Text when undeclared).
    const Schema &schema() const { return m_schema; }

protected:
    QFile m_file;
    CsvParser m_parser;
    Schema m_schema;
};

// The rows of a CSV file, typed by `schema` (which must match the header).
class CsvRowReader final : public FileRowReader, private CsvFile
{
public:
    CsvRowReader(const QString &path, const FileSettings &settings, const Schema &schema);

    bool next(Row *row) override;

private:
    QString m_fileName;
    CsvRecord m_record;
};

} // namespace tf::sync::files
