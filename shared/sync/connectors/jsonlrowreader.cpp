#include "jsonlrowreader.h"

#include "core/errors.h"
#include "filevalues.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QHash>
#include <QMap>

namespace tf::sync::files {

namespace {

QString compactJson(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

// The text of each top-level member's value in a line QJsonDocument has accepted, so JSON
// columns keep their numbers' digits and their keys' order (QJsonObject has neither).
QHash<QString, QByteArray> rawMembers(const QByteArray &line)
{
    QHash<QString, QByteArray> members;
    qsizetype i = line.indexOf('{') + 1;
    const auto skipSpace = [&] {
        while (i < line.size() && (line.at(i) == ' ' || line.at(i) == '\t' || line.at(i) == '\r' || line.at(i) == '\n'))
            ++i;
    };
    const auto skipString = [&] { // at the opening quote; stops after the closing one
        for (++i; i < line.size() && line.at(i) != '"'; ++i) {
            if (line.at(i) == '\\')
                ++i;
        }
        ++i;
    };
    while (i > 0 && i < line.size()) {
        skipSpace();
        if (i >= line.size() || line.at(i) != '"')
            break;
        const qsizetype keyStart = i;
        skipString();
        const QByteArray keyText = line.mid(keyStart, i - keyStart);
        const QString key = QJsonDocument::fromJson("[" + keyText + "]").array().at(0).toString();
        skipSpace();
        ++i; // ':'
        skipSpace();
        const qsizetype valueStart = i;
        int depth = 0;
        while (i < line.size()) {
            const char c = line.at(i);
            if (c == '"') {
                skipString();
                if (depth == 0)
                    break;
                continue;
            }
            if (c == '{' || c == '[')
                ++depth;
            else if (c == '}' || c == ']')
                --depth;
            if (depth < 0 || (depth == 0 && (c == ',' || c == '}' || c == ']'))) {
                if (c == '}' || c == ']')
                    ++i; // the end of this value, not of the line's object
                break;
            }
            ++i;
        }
        QByteArray raw = line.mid(valueStart, i - valueStart).trimmed();
        if (depth < 0)
            raw.chop(1); // the line's closing brace
        members.insert(key, raw);
        skipSpace();
        if (i < line.size() && line.at(i) == ',')
            ++i;
    }
    return members;
}

bool isInteger(const QJsonValue &value)
{
    return value.toVariant().typeId() == QMetaType::LongLong;
}

bool toValue(const QJsonValue &json, ValueType type, QVariant *out, QString *error)
{
    if (json.isNull() || json.isUndefined()) {
        *out = QVariant();
        return true;
    }
    if (type == ValueType::Json)
        return coerceValue(compactJson(json), type, out, error);
    switch (json.type()) {
    case QJsonValue::String: return parseValue(json.toString(), type, out, error);
    case QJsonValue::Bool: return coerceValue(json.toBool(), type, out, error);
    case QJsonValue::Double:
        if (type == ValueType::Decimal && !isInteger(json)) // shortest text, not 17 noisy digits
            return coerceValue(QString::number(json.toDouble(), 'g', QLocale::FloatingPointShortest), type, out, error);
        return coerceValue(json.toVariant(), type, out, error);
    default: return coerceValue(compactJson(json), type, out, error);
    }
}

ValueType observedType(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool: return ValueType::Boolean;
    case QJsonValue::Double: return isInteger(value) ? ValueType::Integer : ValueType::Double;
    case QJsonValue::Array:
    case QJsonValue::Object: return ValueType::Json;
    default: return ValueType::Text;
    }
}

} // namespace

JsonlLines::JsonlLines(const QString &path)
    : m_file(path)
    , m_fileName(QFileInfo(path).fileName())
{
    if (!m_file.open(QIODevice::ReadOnly)) {
        throw Error(m_file.exists() ? Error::Kind::Unavailable : Error::Kind::NotFound,
                    QStringLiteral("cannot open %1: %2").arg(path, m_file.errorString()),
                    QJsonObject { { QStringLiteral("path"), path } });
    }
}

bool JsonlLines::next(QJsonObject *object)
{
    for (;;) {
        if (m_file.atEnd())
            return false;
        QByteArray line = m_file.readLine();
        ++m_line;
        if (m_line == 1 && line.startsWith("\xEF\xBB\xBF"))
            line.remove(0, 3);
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
        QString problem;
        if (parseError.error != QJsonParseError::NoError)
            problem = QStringLiteral("%1 at character %2").arg(parseError.errorString()).arg(parseError.offset + 1);
        else if (!document.isObject())
            problem = QStringLiteral("not a JSON object; each line must hold one object");
        if (!problem.isEmpty()) {
            throw Error(Error::Kind::Validation, QStringLiteral("%1 line %2: %3").arg(m_fileName).arg(m_line).arg(problem),
                        QJsonObject { { QStringLiteral("file"), m_fileName }, { QStringLiteral("line"), m_line } });
        }
        *object = document.object();
        m_lastLine = line;
        return true;
    }
}

Schema inferJsonlSchema(const QString &path, int sampleLines)
{
    JsonlLines lines(path);
    QMap<QString, std::optional<ValueType>> types;
    QJsonObject object;
    for (int n = 0; n < sampleLines && lines.next(&object); ++n) {
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            std::optional<ValueType> &known = types[it.key()];
            if (it.value().isNull())
                continue;
            const ValueType seen = observedType(it.value());
            if (!known || *known == seen)
                known = seen;
            else if ((*known == ValueType::Integer || *known == ValueType::Double)
                     && (seen == ValueType::Integer || seen == ValueType::Double))
                known = ValueType::Double;
            else
                known = ValueType::Text;
        }
    }
    QList<Column> columns;
    for (auto it = types.constBegin(); it != types.constEnd(); ++it)
        columns << Column { it.key(), it.value().value_or(ValueType::Text), true };
    return Schema(columns);
}

JsonlRowReader::JsonlRowReader(const QString &path, Schema schema, bool strictKeys)
    : m_lines(path)
    , m_schema(std::move(schema))
    , m_strictKeys(strictKeys)
{
    for (int i = 0; i < m_schema.size(); ++i)
        m_indexes.insert(m_schema.at(i).name, i);
}

bool JsonlRowReader::next(Row *row)
{
    QJsonObject object;
    if (!m_lines.next(&object))
        return false;
    row->fill(QVariant(), m_schema.size());
    QHash<QString, QByteArray> raw;
    for (int i = 0; i < m_schema.size() && raw.isEmpty(); ++i) {
        if (m_schema.at(i).type == ValueType::Json || m_schema.at(i).type == ValueType::Double)
            raw = rawMembers(m_lines.lastLine());
    }
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const auto index = m_indexes.constFind(it.key());
        const auto where = [&] {
            return QJsonObject { { QStringLiteral("file"), m_lines.fileName() }, { QStringLiteral("line"), m_lines.line() },
                                 { QStringLiteral("column"), it.key() } };
        };
        if (index == m_indexes.cend()) {
            if (!m_strictKeys)
                continue;
            throw Error(Error::Kind::Validation,
                        QStringLiteral("%1 line %2: key '%3' was not in the lines the columns were taken from; "
                                       "declare \"columns\" in the settings")
                            .arg(m_lines.fileName()).arg(m_lines.line()).arg(it.key()),
                        where());
        }
        QString error;
        const ValueType type = m_schema.at(index.value()).type;
        // JSON and numbers from their text: QJsonValue reorders keys, rounds long numbers and
        // turns -0.0 into 0.
        const bool exact = ((type == ValueType::Json && !it.value().isNull())
                            || (type == ValueType::Double && it.value().isDouble()))
            && raw.contains(it.key());
        const bool ok = exact ? coerceValue(QString::fromUtf8(raw.value(it.key())), type, &(*row)[index.value()], &error)
                              : toValue(it.value(), type, &(*row)[index.value()], &error);
        if (!ok && m_strictKeys) {
            // The type was guessed from the first lines, and the guess is what is wrong.
            throw Error(Error::Kind::Validation,
                        QStringLiteral("%1 line %2, column '%3': %4 (its type was inferred from the first lines; "
                                       "declare \"columns\" in the settings)")
                            .arg(m_lines.fileName()).arg(m_lines.line()).arg(it.key(), error),
                        where());
        }
        if (!ok) {
            // With declared columns, one bad value costs its row (quarantined by the engine),
            // not the file's read.
            const QString text = it.value().isString() ? it.value().toString()
                : raw.contains(it.key())               ? QString::fromUtf8(raw.value(it.key()))
                                                       : compactJson(it.value());
            (*row)[index.value()] = unreadableValue(
                text, QStringLiteral("%1 line %2: %3").arg(m_lines.fileName()).arg(m_lines.line()).arg(error));
        }
    }
    return true;
}

} // namespace tf::sync::files
