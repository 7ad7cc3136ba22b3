#pragma once

#include <QJsonArray>
#include <QList>
#include <QString>

namespace tf::sync {

// Collects every problem found in a definition (sync pair, mapping, validation rules) so
// the administrator sees all of them at once instead of fixing one per attempt. Each problem
// names the JSON path of the offending field, e.g. "entities[0].target.key".
class DefinitionErrors final
{
public:
    struct Entry
    {
        QString field;
        QString message;
    };

    void add(const QString &field, const QString &message);
    bool isEmpty() const { return m_entries.isEmpty(); }
    int size() const { return int(m_entries.size()); }
    const QList<Entry> &entries() const { return m_entries; }
    // [{"field": "...", "message": "..."}, ...]
    QJsonArray toJson() const;
    // Throws tf::Error(Validation, message, {"errors": toJson()}) when any problem was added.
    void throwIfAny(const QString &message) const;

private:
    QList<Entry> m_entries;
};

} // namespace tf::sync
