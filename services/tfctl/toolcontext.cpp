#include "toolcontext.h"

#include "core/errors.h"
#include "core/logging.h"
#include "core/redact.h"
#include "core/paths.h"
#include "core/secretbox.h"
#include "db/controldatabase.h"

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
}

std::unique_ptr<ToolContext> ToolContext::open(const CommandLine &commandLine)
{
    std::unique_ptr<ToolContext> context(new ToolContext);
    context->m_service = ServiceContext::resolve(QStringLiteral("tfctl"), commandLine,
                                                 { { QStringLiteral("server/port"), QStringLiteral("0") } });
    // tfctl talks to a person: warnings to stderr only, no log files of its own.
    logging::Options options;
    options.program = QStringLiteral("tfctl");
    // Quiet by default; TF_LOGGING__RULES (or [logging] rules) turns categories back on.
    const Config &config = context->m_service.config;
    options.rules = config.entry(QStringLiteral("logging/rules")).origin == Config::Origin::Default
        ? QStringLiteral("*.debug=false\n*.info=false")
        : config.string(QStringLiteral("logging/rules")).replace(QLatin1Char(','), QLatin1Char('\n'));
    logging::install(options);
    paths::ensureDir(context->m_service.dataDir);
    context->m_database = db::ControlDatabase::open(context->m_service.databaseUrl, true);
    context->m_secrets = std::make_unique<SecretBox>(SecretBox::fromEnvironmentOrKeyFile(context->m_service.dataDir));
    return context;
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
        return 2;
    default:
        return 1;
    }
}

} // namespace tf::tfctl
