#include "jsonreader.h"

#include <QSet>

namespace tf::sync {

JsonReader::JsonReader(const QJsonObject &object, const QString &path, DefinitionErrors *errors,
                       const QStringList &knownKeys)
    : m_object(object)
    , m_path(path)
    , m_errors(errors)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!knownKeys.contains(it.key()))
            fail(it.key(), QStringLiteral("unknown key (expected one of: %1)").arg(knownKeys.join(QStringLiteral(", "))));
    }
}

QString JsonReader::path(const QString &key) const
{
    return m_path.isEmpty() ? key : m_path + QLatin1Char('.') + key;
}

bool JsonReader::has(const QString &key) const
{
    const QJsonValue value = m_object.value(key);
    return !value.isUndefined() && !value.isNull();
}

bool JsonReader::present(const QString &key, bool required)
{
    if (has(key))
        return true;
    if (required)
        fail(key, QStringLiteral("is required"));
    return false;
}

QString JsonReader::text(const QString &key, bool required, const QString &fallback)
{
    if (!present(key, required))
        return fallback;
    const QJsonValue value = m_object.value(key);
    if (!value.isString() || (required && value.toString().trimmed().isEmpty())) {
        fail(key, required ? QStringLiteral("must be a non-empty string") : QStringLiteral("must be a string"));
        return fallback;
    }
    return value.toString();
}

qint64 JsonReader::positiveId(const QString &key)
{
    if (!present(key, true))
        return 0;
    const QJsonValue value = m_object.value(key);
    const double d = value.toDouble(0);
    if (!value.isDouble() || d < 1 || d > 9007199254740992.0 || d != double(qint64(d))) {
        fail(key, QStringLiteral("must be a positive integer id"));
        return 0;
    }
    return qint64(d);
}

int JsonReader::integer(const QString &key, int min, int max, int fallback)
{
    if (!present(key, false))
        return fallback;
    const QJsonValue value = m_object.value(key);
    const double d = value.toDouble(double(min) - 1);
    if (!value.isDouble() || d < min || d > max || d != double(qint64(d))) {
        fail(key, QStringLiteral("must be an integer from %1 to %2").arg(min).arg(max));
        return fallback;
    }
    return int(d);
}

bool JsonReader::boolean(const QString &key, bool fallback)
{
    if (!present(key, false))
        return fallback;
    if (!m_object.value(key).isBool()) {
        fail(key, QStringLiteral("must be true or false"));
        return fallback;
    }
    return m_object.value(key).toBool();
}

QStringList JsonReader::names(const QString &key, bool required)
{
    if (!present(key, required))
        return {};
    const QJsonValue value = m_object.value(key);
    if (!value.isArray()) {
        fail(key, QStringLiteral("must be an array of names"));
        return {};
    }
    if (required && value.toArray().isEmpty()) {
        fail(key, QStringLiteral("must list at least one column"));
        return {};
    }
    QStringList list;
    QSet<QString> seen;
    const QJsonArray array = value.toArray();
    for (int i = 0; i < array.size(); ++i) {
        const QString item = array.at(i).toString();
        const QString itemPath = key + QStringLiteral("[%1]").arg(i);
        if (!array.at(i).isString() || item.isEmpty())
            fail(itemPath, QStringLiteral("must be a non-empty string"));
        else if (seen.contains(item))
            fail(itemPath, QStringLiteral("'%1' is listed twice").arg(item));
        else
            list << item;
        seen.insert(item);
    }
    return list;
}

std::optional<QJsonObject> JsonReader::object(const QString &key, bool required)
{
    if (!present(key, required))
        return std::nullopt;
    if (!m_object.value(key).isObject()) {
        fail(key, QStringLiteral("must be an object"));
        return std::nullopt;
    }
    return m_object.value(key).toObject();
}

std::optional<QJsonArray> JsonReader::array(const QString &key, bool required)
{
    if (!present(key, required))
        return std::nullopt;
    if (!m_object.value(key).isArray()) {
        fail(key, QStringLiteral("must be an array"));
        return std::nullopt;
    }
    return m_object.value(key).toArray();
}

int JsonReader::choice(const QString &key, const QStringList &choices, bool required, int fallback)
{
    if (!present(key, required))
        return fallback;
    const qsizetype index = choices.indexOf(m_object.value(key).toString());
    if (!m_object.value(key).isString() || index < 0) {
        fail(key, QStringLiteral("must be one of: %1").arg(choices.join(QStringLiteral(", "))));
        return fallback;
    }
    return int(index);
}

} // namespace tf::sync
