#pragma once

// The operations an OpenAPI file of ours describes, read line by line from the two-space
// indented layout resources/openapi*.yaml use: method, path template, and the access and
// status markers of each (x-permission, x-roles, x-pending). Shared by tst_apicontract (the
// files match the routing tables) and tst_apiconventions (every route called for real).
#include <QFile>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

namespace tf::test {

struct DocumentedOperation
{
    QByteArray method;   // GET, POST, ...
    QString path;        // /api/sync-pairs/{id}
    QString permission;  // x-permission: a permission name or "open"
    QStringList roles;   // x-roles
    bool hasRoles = false;
    bool pending = false; // x-pending: described ahead of the code

    QString key() const { return QString::fromLatin1(method) + QLatin1Char(' ') + path; }
};

inline QList<DocumentedOperation> documentedOperations(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    static const QRegularExpression pathLine(QStringLiteral("^  (/[^:]*):\\s*$"));
    static const QRegularExpression methodLine(QStringLiteral("^    (get|post|put|delete|patch):"));
    static const QRegularExpression permissionLine(QStringLiteral("^      x-permission:\\s*\"?([^\"\\s]+)\"?\\s*$"));
    static const QRegularExpression rolesLine(QStringLiteral("^      x-roles:\\s*\\[([^\\]]*)\\]\\s*$"));
    static const QRegularExpression pendingLine(QStringLiteral("^      x-pending:"));
    QList<DocumentedOperation> operations;
    QString path;
    bool inPaths = false;
    bool inOperation = false;
    for (const QByteArray &raw : f.readAll().split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (line.startsWith(QLatin1String("paths:"))) {
            inPaths = true;
            continue;
        }
        if (inPaths && !line.isEmpty() && !line.startsWith(QLatin1Char(' ')) && !line.startsWith(QLatin1Char('#')))
            inPaths = false;
        if (!inPaths)
            continue;
        if (const auto p = pathLine.match(line); p.hasMatch()) {
            path = p.captured(1);
            inOperation = false;
        } else if (const auto m = methodLine.match(line); m.hasMatch() && !path.isEmpty()) {
            DocumentedOperation operation;
            operation.method = m.captured(1).toUpper().toLatin1();
            operation.path = path;
            operations.append(operation);
            inOperation = true;
        } else if (!inOperation) {
            continue;
        } else if (const auto x = permissionLine.match(line); x.hasMatch()) {
            operations.last().permission = x.captured(1);
        } else if (const auto r = rolesLine.match(line); r.hasMatch()) {
            QStringList roles;
            for (const QString &role : r.captured(1).split(QLatin1Char(','), Qt::SkipEmptyParts))
                roles << role.trimmed();
            operations.last().roles = roles;
            operations.last().hasRoles = true;
        } else if (pendingLine.match(line).hasMatch()) {
            operations.last().pending = true;
        }
    }
    return operations;
}

} // namespace tf::test
