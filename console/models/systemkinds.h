#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace tf::console {

// What the console knows of each kind of system the engine connects to
// (shared/sync/systems/systemdefinition.cpp, docs/connectors/*.md): a label for people, the
// settings and credentials the system editor shows for it, and where a system of the kind
// points (never a secret).
struct SystemField
{
    enum class Type { Text, Integer, Choice, Secret };

    QString key; // "settings.host", "credentials.password"
    QString label;
    Type type = Type::Text;
    bool required = false;
    QString placeholder;
    QString hint; // tooltip
    QStringList choices; // Choice: the values offered ("" = not set); the box is editable when editable
    bool editable = false;

    bool isCredential() const { return key.startsWith(QLatin1String("credentials.")); }
    QString name() const { return key.section(QLatin1Char('.'), 1); } // "host"
};

namespace systemkinds {

// Every kind the engine supports, in the order the editor offers them.
const QStringList &kinds();
QString label(const QString &kind); // "SQL Server"; the kind itself when unknown
// The fields of the system editor for kind, settings first, then credentials.
const QList<SystemField> &fields(const QString &kind);
// host:port/database, a file path or a URL; never a credential.
QString where(const QString &kind, const QJsonObject &settings);
// Kinds whose source has SQL Server Change Tracking (a pair cursor of kind change_tracking).
bool hasChangeTracking(const QString &kind);

} // namespace systemkinds

} // namespace tf::console
