#include "toolcontext.h"

#include "commandhelp.h"

#include "platformlocation.h"

#include "core/errors.h"
#include "core/logging.h"
#include "core/redact.h"
#include "core/paths.h"
#include "core/secretbox.h"
#include "db/controldatabase.h"

#include <QFileInfo>
#include <QJsonArray>

#include <cstdio>

namespace tf::tfctl {

void addToolOptions(CommandLine &commandLine)
{
    commandLine.addValueOption(QStringLiteral("data-dir"), QStringLiteral("DIR"),
                               QStringLiteral("Data directory (as the services use it)."),
                               QStringLiteral("paths/data_dir"));
    commandLine.addValueOption(QStringLiteral("database"), QStringLiteral("URL"),
                               QStringLiteral("Control database URL (default: DATABASE_URL, PG*, else the SQLite file)."),
                               QStringLiteral("database/url"));
    commandLine.addValueOption(QStringLiteral("config"), QStringLiteral("FILE"),
                               QStringLiteral("INI configuration file."), QStringLiteral("config/file"));
    commandLine.setEpilog(commandHelp(commandLine.program()));
}

std::unique_ptr<ToolContext> ToolContext::open(const CommandLine &commandLine)
{
    std::unique_ptr<ToolContext> context(new ToolContext);
    context->m_service = platform::resolve(commandLine);
    // Never a new database by accident: an empty folder or database is an error naming it.
    platform::requireControlDatabase(context->m_service);
    context->m_database = db::ControlDatabase::open(context->m_service.databaseUrl, true);
    return context;
}

const SecretBox &ToolContext::secrets() const
{
    if (!m_secrets) {
        // A new key here would make every stored credential unreadable: only `tfctl init` and
        // the services' first start create one.
        if (!qEnvironmentVariableIsSet("TF_SECRET_KEY")
            && !QFileInfo::exists(SecretBox::keyFilePath(m_service.dataDir))) {
            throw Error(Error::Kind::Validation,
                        QStringLiteral("no secret.key in %1: the key that encrypts the systems' "
                                       "credentials is missing; restore it from the backup set "
                                       "(tfctl restore) or set TF_SECRET_KEY")
                            .arg(m_service.dataDir));
        }
        m_secrets = std::make_unique<SecretBox>(SecretBox::fromEnvironmentOrKeyFile(m_service.dataDir));
    }
    return *m_secrets;
}

ToolContext::~ToolContext() = default;

int reportError(const QString &program, const Error &error)
{
    std::fprintf(stderr, "%s: %s\n", qPrintable(program), qPrintable(redactSecrets(error.message())));
    for (const QJsonValue &detail : error.details().value(QStringLiteral("errors")).toArray()) {
        std::fprintf(stderr, "  %s: %s\n", qPrintable(detail.toObject().value(QStringLiteral("field")).toString()),
                     qPrintable(redactSecrets(detail.toObject().value(QStringLiteral("message")).toString())));
    }
    switch (error.kind()) {
    case Error::Kind::Validation:
    case Error::Kind::BadRequest:
    case Error::Kind::NotFound:
    case Error::Kind::Conflict:
    case Error::Kind::PreconditionFailed:
    case Error::Kind::UnsupportedMediaType:
        return 2;
    default:
        return 1;
    }
}

} // namespace tf::tfctl
