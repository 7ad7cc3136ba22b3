#include "csvconnector.h"

#include "csvrowreader.h"
#include "filevalues.h"

namespace tf::sync {

CsvConnector::CsvConnector(const SystemSettings &settings)
    : FileConnector(settings, true)
{
}

QStringList CsvConnector::extensions() const
{
    return { QStringLiteral("csv"), QStringLiteral("tsv") };
}

Schema CsvConnector::readSchema(const QString &path)
{
    return files::CsvFile(path, settings()).schema();
}

std::unique_ptr<files::FileRowReader> CsvConnector::openReader(const QString &path, const Schema &schema)
{
    return std::make_unique<files::CsvRowReader>(path, settings(), schema);
}

void CsvConnector::appendField(QByteArray *out, const QString &text) const
{
    const QByteArray bytes = text.toUtf8();
    const char delimiter = settings().delimiter;
    bool quote = bytes.isEmpty(); // "" is the empty string; nothing at all is NULL
    for (const char c : bytes) {
        if (c == delimiter || c == '"' || c == '\r' || c == '\n') {
            quote = true;
            break;
        }
    }
    if (!quote) {
        out->append(bytes);
        return;
    }
    out->append('"');
    for (const char c : bytes) {
        if (c == '"')
            out->append('"');
        out->append(c);
    }
    out->append('"');
}

QByteArray CsvConnector::header(const Schema &schema) const
{
    QByteArray out;
    for (int i = 0; i < schema.size(); ++i) {
        if (i > 0)
            out.append(settings().delimiter);
        appendField(&out, schema.at(i).name);
    }
    out.append("\r\n");
    return out;
}

void CsvConnector::appendRow(QByteArray *out, const Row &row, const Schema &schema) const
{
    for (int i = 0; i < schema.size(); ++i) {
        if (i > 0)
            out->append(settings().delimiter);
        const QVariant &value = row.at(i);
        if (!value.isNull() && value.isValid())
            appendField(out, files::formatValue(value, schema.at(i).type));
    }
    out->append("\r\n");
}

} // namespace tf::sync
