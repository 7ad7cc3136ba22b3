#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace tf::sync {

// An external system as an administrator defines it (POST/PUT body):
//   {"name": "PACS", "kind": "sqlite", "description": "...",
//    "settings": {"path": "/srv/pacs.db"},
//    "credentials": {"user": "sync", "password": "..."}}
// Settings by kind:
//   postgres     "url" (postgres://host:port/db, without a password) or "host" + "database";
//                optional "port" (1..65535), "schema", "sslmode"
//   sqlite       "path" (absolute)
//   csv, jsonl   "path" (absolute); optional "delimiter" (one character)
// Credentials are secrets: only "user", "password" and "token" (strings) are accepted, they
// are stored encrypted, and no JSON that leaves the process ever contains them.
struct SystemDefinition
{
    QString name;
    QString kind;
    QString description;
    QJsonObject settings;
    QJsonObject credentials;

    static const QStringList &kinds(); // postgres, sqlite, csv, jsonl
    static const QStringList &credentialKeys(); // user, password, token

    // Throws tf::Error(Validation, "system definition is invalid", {"errors": [{"field":
    // "settings.path", "message": "must be an absolute path"}, ...]}) listing every problem.
    // Credential values never appear in the errors.
    static SystemDefinition parse(const QJsonObject &json);
    // The same checks on a definition built in code.
    void validate() const;

    // name, kind, description, settings, "has_credentials": never the credentials.
    QJsonObject toPublicJson() const;
};

} // namespace tf::sync
