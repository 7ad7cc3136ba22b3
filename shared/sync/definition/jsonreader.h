#pragma once

#include "definitionerrors.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace tf::sync {

// Reads one JSON object of a definition, checking each key's type and recording problems
// under "<path>.<key>" instead of stopping at the first, and reporting keys it does not
// know (a misspelt optional key would otherwise be ignored without a word).
class JsonReader final
{
public:
    JsonReader(const QJsonObject &object, const QString &path, DefinitionErrors *errors, const QStringList &knownKeys);

    QString path(const QString &key) const;
    bool has(const QString &key) const;
    void fail(const QString &key, const QString &message) { m_errors->add(path(key), message); }

    QString text(const QString &key, bool required, const QString &fallback = QString());
    qint64 positiveId(const QString &key);
    int integer(const QString &key, int min, int max, int fallback);
    bool boolean(const QString &key, bool fallback);
    QStringList names(const QString &key, bool required); // array of distinct non-empty strings
    std::optional<QJsonObject> object(const QString &key, bool required);
    std::optional<QJsonArray> array(const QString &key, bool required);
    // One of `choices`; its index, or `fallback` when absent or wrong.
    int choice(const QString &key, const QStringList &choices, bool required, int fallback);

private:
    bool present(const QString &key, bool required);

    QJsonObject m_object;
    QString m_path;
    DefinitionErrors *m_errors;
};

} // namespace tf::sync
