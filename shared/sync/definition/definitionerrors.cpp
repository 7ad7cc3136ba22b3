#include "definitionerrors.h"

#include "core/errors.h"

#include <QJsonObject>

namespace tf::sync {

void DefinitionErrors::add(const QString &field, const QString &message)
{
    m_entries.append(Entry { field, message });
}

QJsonArray DefinitionErrors::toJson() const
{
    QJsonArray list;
    for (const Entry &entry : m_entries)
        list.append(QJsonObject { { QStringLiteral("field"), entry.field }, { QStringLiteral("message"), entry.message } });
    return list;
}

void DefinitionErrors::throwIfAny(const QString &message) const
{
    if (m_entries.isEmpty())
        return;
    throw Error(Error::Kind::Validation, message, QJsonObject { { QStringLiteral("errors"), toJson() } });
}

} // namespace tf::sync
