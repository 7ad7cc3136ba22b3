#include "jsonlconnector.h"

#include "core/errors.h"
#include "filevalues.h"
#include "jsonlrowreader.h"

#include <QLocale>

#include <cmath>

namespace tf::sync {

namespace {

void appendJsonString(QByteArray *out, const QString &text)
{
    static const char hex[] = "0123456789abcdef";
    out->append('"');
    for (const char c : text.toUtf8()) {
        switch (c) {
        case '"': out->append("\\\""); break;
        case '\\': out->append("\\\\"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out->append("\\u00");
                out->append(hex[(c >> 4) & 0xf]);
                out->append(hex[c & 0xf]);
            } else {
                out->append(c);
            }
        }
    }
    out->append('"');
}

void appendValue(QByteArray *out, const QVariant &value, const Column &column)
{
    if (value.isNull() || !value.isValid()) {
        out->append("null");
        return;
    }
    switch (column.type) {
    case ValueType::Integer: out->append(QByteArray::number(value.toLongLong())); return;
    case ValueType::Boolean: out->append(value.toBool() ? "true" : "false"); return;
    // One line per row: line breaks between tokens go, nothing else changes.
    case ValueType::Json: out->append(oneLineJson(value.toString()).toUtf8()); return;
    case ValueType::Double: {
        const double number = value.toDouble();
        if (!std::isfinite(number)) {
            // JSON has no such numbers: the string reads back as the same double.
            appendJsonString(out, std::isnan(number) ? QStringLiteral("NaN")
                                      : number > 0   ? QStringLiteral("Infinity")
                                                     : QStringLiteral("-Infinity"));
            return;
        }
        if (number == 0 && std::signbit(number)) {
            out->append("-0.0"); // the shortest form would drop the sign
            return;
        }
        QByteArray text = QByteArray::number(number, 'g', QLocale::FloatingPointShortest);
        if (!text.contains('.') && !text.contains('e'))
            text.append(".0");
        out->append(text);
        return;
    }
    default: appendJsonString(out, files::formatValue(value, column.type));
    }
}

} // namespace

JsonlConnector::JsonlConnector(const SystemSettings &settings)
    : FileConnector(settings, false)
{
}

QStringList JsonlConnector::extensions() const
{
    return { QStringLiteral("jsonl"), QStringLiteral("ndjson") };
}

Schema JsonlConnector::readSchema(const QString &path)
{
    if (!settings().columns.isEmpty())
        return Schema(settings().columns);
    return files::inferJsonlSchema(path, kSampleLines);
}

std::unique_ptr<files::FileRowReader> JsonlConnector::openReader(const QString &path, const Schema &schema)
{
    return std::make_unique<files::JsonlRowReader>(path, schema, settings().columns.isEmpty());
}

QByteArray JsonlConnector::header(const Schema &) const
{
    return {};
}

void JsonlConnector::appendRow(QByteArray *out, const Row &row, const Schema &schema) const
{
    out->append('{');
    for (int i = 0; i < schema.size(); ++i) {
        if (i > 0)
            out->append(',');
        appendJsonString(out, schema.at(i).name);
        out->append(':');
        appendValue(out, row.at(i), schema.at(i));
    }
    out->append("}\n");
}

} // namespace tf::sync
