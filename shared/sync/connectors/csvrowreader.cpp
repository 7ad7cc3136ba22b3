#include "csvrowreader.h"

#include "core/errors.h"
#include "filevalues.h"

#include <QFileInfo>
#include <QSet>

namespace tf::sync::files {

namespace {

Error invalid(const QString &fileName, const QString &message)
{
    return Error(Error::Kind::Validation, fileName + QStringLiteral(": ") + message,
                 QJsonObject { { QStringLiteral("file"), fileName } });
}

} // namespace

CsvFile::CsvFile(const QString &path, const FileSettings &settings)
    : m_file(path)
    , m_parser(&m_file, settings.delimiter, QFileInfo(path).fileName())
{
    const QString fileName = QFileInfo(path).fileName();
    if (!m_file.open(QIODevice::ReadOnly)) {
        throw Error(m_file.exists() ? Error::Kind::Unavailable : Error::Kind::NotFound,
                    QStringLiteral("cannot open %1: %2").arg(path, m_file.errorString()),
                    QJsonObject { { QStringLiteral("path"), path } });
    }
    CsvRecord header;
    if (!m_parser.next(&header))
        throw invalid(fileName, QStringLiteral("the file is empty; a CSV file starts with a header row"));
    QList<Column> columns;
    QSet<QString> seen;
    for (const CsvField &field : std::as_const(header)) {
        Column column;
        column.name = field.text;
        if (column.name.isEmpty())
            throw invalid(fileName, QStringLiteral("header column %1 has no name").arg(columns.size() + 1));
        if (seen.contains(column.name))
            throw invalid(fileName, QStringLiteral("the header names '%1' twice").arg(column.name));
        seen.insert(column.name);
        column.type = settings.declaredType(column.name);
        columns << column;
    }
    for (const Column &declared : settings.columns) {
        if (!seen.contains(declared.name)) {
            throw Error(Error::Kind::Validation,
                        QStringLiteral("%1: declared column '%2' is not in the header").arg(fileName, declared.name),
                        QJsonObject { { QStringLiteral("file"), fileName }, { QStringLiteral("field"), QStringLiteral("columns") } });
        }
    }
    m_schema = Schema(columns);
}

CsvRowReader::CsvRowReader(const QString &path, const FileSettings &settings, const Schema &schema)
    : CsvFile(path, settings)
    , m_fileName(QFileInfo(path).fileName())
{
    if (!(m_schema == schema))
        throw invalid(m_fileName, QStringLiteral("the header changed while the file was being read"));
}

bool CsvRowReader::next(Row *row)
{
    const int width = m_schema.size();
    do {
        if (!m_parser.next(&m_record))
            return false;
        // A blank line is one empty field: skipped, except in a one-column file where it is NULL.
    } while (width > 1 && m_record.size() == 1 && !m_record.first().quoted && m_record.first().text.isEmpty());

    if (m_record.size() != width) {
        throw Error(Error::Kind::Validation, QStringLiteral("%1 line %2: %3 fields, the header has %4")
                                                 .arg(m_fileName).arg(m_parser.line()).arg(m_record.size()).arg(width),
                    QJsonObject { { QStringLiteral("file"), m_fileName }, { QStringLiteral("line"), m_parser.line() } });
    }
    row->resize(width);
    for (int i = 0; i < width; ++i) {
        const CsvField &field = m_record.at(i);
        if (!field.quoted && field.text.isEmpty()) {
            (*row)[i] = QVariant();
            continue;
        }
        QString error;
        if (!parseValue(field.text, m_schema.at(i).type, &(*row)[i], &error)) {
            // One bad field costs its row (quarantined by the engine), not the file's read.
            (*row)[i] = unreadableValue(field.text, QStringLiteral("%1 line %2: %3").arg(m_fileName).arg(m_parser.line()).arg(error));
        }
    }
    return true;
}

} // namespace tf::sync::files
