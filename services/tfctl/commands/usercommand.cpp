#include "usercommand.h"

#include "auth/credentialpolicy.h"
#include "auth/passwordhasher.h"
#include "auth/permissions.h"
#include "common/auditlog.h"
#include "core/errors.h"
#include "db/controldatabase.h"
#include "db/repositories/tokenrepository.h"
#include "db/repositories/userrepository.h"
#include "tfctl/platformlocation.h"
#include "tfctl/toolcontext.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

namespace tf::tfctl {
namespace {

const QString kProgram = QStringLiteral("tfctl user");
const QString kUsage = QStringLiteral(
    "use: list | add <name> --role ROLE | set-role <name> ROLE | disable <name> | enable <name> | "
    "reset-password <name>");

// Anyone who can run this can make themselves an administrator: only root and the account
// that owns the data directory (the service's) may.
void requirePrivilege(const QString &dataDir)
{
    if (::geteuid() == 0)
        return;
    struct stat info {};
    if (::stat(QFile::encodeName(dataDir).constData(), &info) == 0 && info.st_uid == ::geteuid())
        return;
    throw Error(Error::Kind::Validation,
                QStringLiteral("tfctl user changes who can sign in, so it needs root or the account that owns "
                               "%1 (e.g. sudo -u terrafusion tfctl user ...)")
                    .arg(dataDir));
}

QString readPasswordFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(Error::Kind::Validation, QStringLiteral("--password-file: cannot read %1").arg(path));
    const QString password = QString::fromUtf8(file.readAll()).trimmed();
    auth::validatePassword(password, QStringLiteral("--password-file"));
    return password;
}

QString roleOf(const QString &name)
{
    auth::Role role;
    if (!auth::parseRole(name, &role))
        throw Error(Error::Kind::Validation, QStringLiteral("role must be one of %1, not '%2'")
                                                 .arg(auth::userRoleNames().join(QStringLiteral(", ")), name));
    return name;
}

db::UserRecord userNamed(const db::UserRepository &users, const QString &name)
{
    const std::optional<db::UserRecord> user = users.findByUsername(name);
    if (!user)
        throw Error(Error::Kind::NotFound, QStringLiteral("no user named '%1' (tfctl user list shows them)").arg(name));
    return *user;
}

// The last enabled administrator keeps the platform manageable: refuse to remove it.
void keepAnAdmin(const db::UserRepository &users, const db::UserRecord &user, const QString &newRole, bool disable)
{
    const bool losesAdmin = user.role == QLatin1String("admin") && !user.disabled
        && (disable || newRole != QLatin1String("admin"));
    if (losesAdmin && users.countEnabledAdmins() <= 1)
        throw Error(Error::Kind::Conflict,
                    QStringLiteral("'%1' is the last enabled administrator; add or enable another first")
                        .arg(user.username));
}

void announcePassword(const QString &username, const QString &password, bool generated)
{
    if (generated)
        std::printf("password of %s: %s\n(shown once; it must be changed at the next sign-in)\n",
                    qPrintable(username), qPrintable(password));
    else
        std::printf("password of %s set from the file; it must be changed at the next sign-in\n",
                    qPrintable(username));
}

} // namespace

int runUserCommand(const QStringList &arguments)
{
    CommandLine commandLine(kProgram,
                            QStringLiteral("Manage the gateway's users on the control database.\n\n"
                                           "Example: sudo -u terrafusion tfctl user reset-password admin\n"
                                           "Read: docs/operations.md, \"Authentication and access\"."));
    commandLine.addPositional(QStringLiteral("user"), QStringLiteral("The command group."), QStringLiteral("user"));
    commandLine.addPositional(QStringLiteral("command"), kUsage);
    commandLine.addPositional(QStringLiteral("name"), QStringLiteral("User name."), QStringLiteral("[name]"));
    commandLine.addPositional(QStringLiteral("role"), QStringLiteral("Role (set-role)."), QStringLiteral("[role]"));
    addToolOptions(commandLine);
    commandLine.addValueOption(QStringLiteral("role"), QStringLiteral("ROLE"),
                               QStringLiteral("add: admin, operator, auditor or viewer."), QStringLiteral("user/role"));
    commandLine.addValueOption(QStringLiteral("password-file"), QStringLiteral("FILE"),
                               QStringLiteral("add, reset-password: read the password from FILE instead of "
                                              "generating one."),
                               QStringLiteral("user/password_file"));
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("list: print JSON."), QStringLiteral("user/json"),
                          QStringLiteral("true"));
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    const QString command = positional.value(1);
    static const QStringList oneName { QStringLiteral("add"), QStringLiteral("disable"), QStringLiteral("enable"),
                                       QStringLiteral("reset-password") };
    const bool valid = (command == QLatin1String("list") && positional.size() == 2)
        || (oneName.contains(command) && positional.size() == 3)
        || (command == QLatin1String("set-role") && positional.size() == 4);
    if (!valid)
        CommandLine::exitWithUsageError(kProgram, kUsage);
    if (command == QLatin1String("add") && !commandLine.isSet(QStringLiteral("role")))
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("add needs --role (admin, operator, auditor or viewer)"));

    try {
        auto context = ToolContext::open(commandLine);
        db::Database &database = context->database().database();
        db::UserRepository users(database);
        if (command == QLatin1String("list")) {
            const QList<db::UserRecord> all = users.list();
            if (commandLine.isSet(QStringLiteral("json"))) {
                QJsonArray array;
                for (const db::UserRecord &user : all)
                    array.append(user.toJson());
                std::printf("%s", QJsonDocument(array).toJson(QJsonDocument::Indented).constData());
                return 0;
            }
            std::printf("%-24s %-9s %-9s %-14s %s\n", "username", "role", "state", "must change", "last sign-in (UTC)");
            for (const db::UserRecord &user : all) {
                std::printf("%-24s %-9s %-9s %-14s %s\n", qPrintable(user.username), qPrintable(user.role),
                            user.disabled ? "disabled" : "enabled", user.mustChangePassword ? "yes" : "no",
                            user.lastLoginAt.isValid()
                                ? qPrintable(user.lastLoginAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")))
                                : "never");
            }
            return 0;
        }

        requirePrivilege(context->service().dataDir);
        const QString name = positional.at(2);
        const auth::PasswordHasher hasher(int(context->service().config.contains(QStringLiteral("auth/pbkdf2_iterations"))
                                                  ? context->service().config.integer(QStringLiteral("auth/pbkdf2_iterations"),
                                                                                      auth::PasswordHasher::kMinIterations, 10000000)
                                                  : auth::PasswordHasher::kDefaultIterations));
        const bool fromFile = commandLine.isSet(QStringLiteral("password-file"));
        auto newPassword = [&] {
            return fromFile ? readPasswordFile(commandLine.value(QStringLiteral("password-file"))) : auth::generatePassword(24);
        };

        if (command == QLatin1String("add")) {
            auth::validateUsername(name);
            const QString role = roleOf(commandLine.value(QStringLiteral("role")));
            const QString password = newPassword();
            const db::UserRecord created = users.create(name, hasher.hash(password), role, true);
            platform::audit(context->database(),
                            { QStringLiteral("user.created"), QStringLiteral("info"), QStringLiteral("user"),
                              QString::number(created.id), 0,
                              QStringLiteral("user '%1' (%2) created with tfctl").arg(name, role), {}, created.toJson() });
            std::printf("user %s added with the role %s\n", qPrintable(name), qPrintable(role));
            announcePassword(name, password, !fromFile);
            return 0;
        }

        const db::UserRecord user = userNamed(users, name);
        db::TokenRepository tokens(database);
        if (command == QLatin1String("reset-password")) {
            if (user.isDirectoryUser())
                throw Error(Error::Kind::Conflict,
                            QStringLiteral("'%1' signs in with the directory's password ([ldap]); reset it "
                                           "there").arg(name));
            const QString password = newPassword();
            users.setPassword(user.id, hasher.hash(password), true);
            const int revoked = tokens.revokeSessionsOf(user.id);
            platform::audit(context->database(),
                            { QStringLiteral("user.password_reset"), QStringLiteral("warning"), QStringLiteral("user"),
                              QString::number(user.id), 0,
                              QStringLiteral("password of '%1' reset with tfctl; %2 session(s) ended").arg(name).arg(revoked),
                              {}, QJsonObject { { QStringLiteral("must_change_password"), true },
                                                { QStringLiteral("revoked_sessions"), revoked } } });
            announcePassword(name, password, !fromFile);
            if (user.disabled)
                std::printf("note: %s is disabled; `tfctl user enable %s` lets it sign in\n", qPrintable(name), qPrintable(name));
            return 0;
        }

        QString role = user.role;
        bool disabled = user.disabled;
        QString event = QStringLiteral("user.updated");
        if (command == QLatin1String("set-role")) {
            role = roleOf(positional.at(3));
        } else {
            disabled = command == QLatin1String("disable");
            event = disabled ? QStringLiteral("user.disabled") : QStringLiteral("user.enabled");
        }
        keepAnAdmin(users, user, role, disabled);
        const db::UserRecord after = users.update(user.id, role, disabled);
        const int revoked = (disabled && !user.disabled) || role != user.role ? tokens.revokeSessionsOf(user.id) : 0;
        platform::audit(context->database(),
                        { event, QStringLiteral("info"), QStringLiteral("user"), QString::number(user.id), 0,
                          QStringLiteral("user '%1' %2 with tfctl%3")
                              .arg(name,
                                   command == QLatin1String("set-role") ? QStringLiteral("given the role %1").arg(role)
                                                                        : (disabled ? QStringLiteral("disabled")
                                                                                    : QStringLiteral("enabled")),
                                   revoked > 0 ? QStringLiteral("; %1 session(s) ended").arg(revoked) : QString()),
                          user.toJson(), after.toJson() });
        std::printf("user %s: role %s, %s%s\n", qPrintable(name), qPrintable(after.role),
                    after.disabled ? "disabled" : "enabled",
                    revoked > 0 ? qPrintable(QStringLiteral("; %1 session(s) ended").arg(revoked)) : "");
        return 0;
    } catch (const Error &error) {
        return reportError(kProgram, error);
    }
}

} // namespace tf::tfctl
