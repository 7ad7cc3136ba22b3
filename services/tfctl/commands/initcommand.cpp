#include "initcommand.h"

#include "common/auditlog.h"
#include "core/errors.h"
#include "core/paths.h"
#include "core/secretbox.h"
#include "db/controldatabase.h"
#include "db/databaseurl.h"
#include "tfctl/platformlocation.h"
#include "tfctl/toolcontext.h"

#include <QFile>
#include <QFileInfo>

#include <cstdio>

namespace tf::tfctl {

int runInitCommand(const QStringList &arguments)
{
    const QString program = QStringLiteral("tfctl init");
    CommandLine commandLine(program,
                            QStringLiteral("Create a new platform: the data directory, the control database "
                                           "and secret.key.\n\nExample: tfctl init --data-dir /srv/terrafusion\n"
                                           "Read: docs/operations.md, \"Data directory\"."));
    commandLine.addPositional(QStringLiteral("init"), QStringLiteral("The command."), QStringLiteral("init"));
    addToolOptions(commandLine);
    commandLine.addSwitch(QStringLiteral("if-missing"),
                          QStringLiteral("Exit 0 without changes when the platform exists already."),
                          QStringLiteral("init/if_missing"), QStringLiteral("true"));
    commandLine.process(arguments);
    if (commandLine.positionalArguments().size() != 1)
        CommandLine::exitWithUsageError(program, QStringLiteral("unexpected argument '%1'")
                                                     .arg(commandLine.positionalArguments().value(1)));
    try {
        const ServiceContext service = platform::resolve(commandLine);
        const bool keyPresent = qEnvironmentVariableIsSet("TF_SECRET_KEY")
            || QFileInfo::exists(SecretBox::keyFilePath(service.dataDir));
        if (platform::controlDatabaseExists(service)) {
            if (!commandLine.isSet(QStringLiteral("if-missing"))) {
                throw Error(Error::Kind::Conflict,
                            QStringLiteral("a platform exists already: %1 holds a control database; "
                                           "nothing changed (--if-missing makes this exit 0)")
                                .arg(db::DatabaseUrl::parse(service.databaseUrl).redacted()));
            }
            if (!keyPresent) {
                throw Error(Error::Kind::Validation,
                            QStringLiteral("the control database exists but %1 has no secret.key: a new key "
                                           "would make the stored credentials unreadable; restore the key "
                                           "from the backup set")
                                .arg(service.dataDir));
            }
            std::printf("platform already initialised: %s\n",
                        qPrintable(db::DatabaseUrl::parse(service.databaseUrl).redacted()));
            return 0;
        }
        const bool created = !QFileInfo::exists(service.dataDir);
        paths::ensureDir(service.dataDir);
        if (created)
            QFile::setPermissions(service.dataDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        auto database = db::ControlDatabase::open(service.databaseUrl, true);
        const int version = database->checkReady().schemaVersion;
        if (!keyPresent)
            SecretBox::fromEnvironmentOrKeyFile(service.dataDir); // writes secret.key (0600)
        http::AuditEvent event;
        event.eventType = QStringLiteral("platform.initialized");
        event.resourceType = QStringLiteral("platform");
        event.description = QStringLiteral("platform initialised by tfctl init");
        event.after = QJsonObject { { QStringLiteral("data_dir"), service.dataDir },
                                    { QStringLiteral("schema_version"), version } };
        platform::audit(*database, event);
        std::printf("initialised %s (schema version %d)%s\n",
                    qPrintable(db::DatabaseUrl::parse(service.databaseUrl).redacted()), version,
                    keyPresent ? "" : qPrintable(QStringLiteral("; new secret key %1 (back it up with the database)")
                                                     .arg(SecretBox::keyFilePath(service.dataDir))));
        return 0;
    } catch (const Error &error) {
        return reportError(program, error);
    }
}

} // namespace tf::tfctl
