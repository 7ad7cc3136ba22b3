#include "filesettings.h"

#include "core/errors.h"

#include <QDir>
#include <QJsonArray>

namespace tf::sync::files {

namespace {

Error invalid(const QString &field, const QString &message)
{
    return Error(Error::Kind::Validation, message, QJsonObject { { QStringLiteral("field"), field } });
}

} // namespace

FileSettings FileSettings::parse(const SystemSettings &settings, bool withDelimiter)
{
    const QJsonObject &json = settings.settings;
    FileSettings result;
    result.path = json.value(QStringLiteral("path")).toString();
    if (result.path.isEmpty())
        throw invalid(QStringLiteral("path"), QStringLiteral("file settings need \"path\": a file or folder's absolute path"));
    if (!QDir::isAbsolutePath(result.path))
        throw invalid(QStringLiteral("path"), QStringLiteral("\"path\" must be absolute, not '%1'").arg(result.path));
    result.path = QDir::cleanPath(result.path);

    if (withDelimiter && json.contains(QStringLiteral("delimiter"))) {
        const QString text = json.value(QStringLiteral("delimiter")).toString();
        const QString delimiter = text == QLatin1String("\\t") ? QStringLiteral("\t") : text;
        if (delimiter.size() != 1 || delimiter.at(0).unicode() > 0x7f || delimiter == QLatin1String("\"")
            || delimiter == QLatin1String("\n") || delimiter == QLatin1String("\r")) {
            throw invalid(QStringLiteral("delimiter"),
                          QStringLiteral("\"delimiter\" must be one ASCII character other than a quote or a line end "
                                         "(\"\\t\" for tab), not '%1'").arg(text));
        }
        result.delimiter = char(delimiter.at(0).unicode());
    }

    const QJsonArray columns = json.value(QStringLiteral("columns")).toArray();
    for (qsizetype i = 0; i < columns.size(); ++i) {
        const QJsonObject entry = columns.at(i).toObject();
        const QString field = QStringLiteral("columns[%1]").arg(i);
        Column column;
        column.name = entry.value(QStringLiteral("name")).toString();
        if (column.name.isEmpty())
            throw invalid(field + QStringLiteral(".name"), QStringLiteral("%1 needs a \"name\"").arg(field));
        const QString type = entry.value(QStringLiteral("type")).toString(QStringLiteral("text"));
        if (!parseValueType(type, &column.type))
            throw invalid(field + QStringLiteral(".type"), QStringLiteral("%1: unknown type '%2'").arg(field, type));
        result.columns << column;
    }

    const QJsonValue key = json.value(QStringLiteral("key"));
    if (key.isString()) {
        result.keyColumns << key.toString();
    } else if (key.isArray()) {
        for (const QJsonValue &name : key.toArray())
            result.keyColumns << name.toString();
    } else if (!key.isUndefined() && !key.isNull()) {
        throw invalid(QStringLiteral("key"), QStringLiteral("\"key\" must be a column name or a list of names"));
    }
    return result;
}

ValueType FileSettings::declaredType(const QString &column) const
{
    for (const Column &declared : columns) {
        if (declared.name == column)
            return declared.type;
    }
    return ValueType::Text;
}

} // namespace tf::sync::files
