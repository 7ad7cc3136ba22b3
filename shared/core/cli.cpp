#include "cli.h"

#include "tfversion.h"

#include <cstdio>
#include <cstdlib>

namespace tf {

CommandLine::CommandLine(QString program, const QString &description)
    : m_program(std::move(program))
{
    m_parser.setApplicationDescription(description);
    m_parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    m_parser.addHelpOption();
    m_parser.addVersionOption();
}

void CommandLine::addValueOption(const QString &name, const QString &valueName,
                                 const QString &description, const QString &configKey)
{
    m_parser.addOption(QCommandLineOption(name, description, valueName));
    m_mappings.append({ name, configKey, QString() });
}

void CommandLine::addSwitch(const QString &name, const QString &description,
                            const QString &configKey, const QString &value)
{
    m_parser.addOption(QCommandLineOption(name, description));
    m_mappings.append({ name, configKey, value });
}

void CommandLine::addPositional(const QString &name, const QString &description,
                                const QString &syntax)
{
    m_parser.addPositionalArgument(name, description, syntax);
}

void CommandLine::addServiceOptions(int defaultPort, const QString &section)
{
    const QString where = section.isEmpty() ? QStringLiteral("[server]") : QStringLiteral("[%1]").arg(section);
    addValueOption(QStringLiteral("port"), QStringLiteral("N"),
                   defaultPort > 0
                       ? QStringLiteral("TCP port to listen on (default %1, or %2 port; 0 picks a free one).")
                             .arg(defaultPort)
                             .arg(where)
                       : QStringLiteral("TCP port to listen on (0 picks a free one)."),
                   QStringLiteral("server/port"));
    addValueOption(QStringLiteral("bind"), QStringLiteral("ADDR"),
                   QStringLiteral("Address to listen on (default 127.0.0.1, or %1 bind).").arg(where),
                   QStringLiteral("server/bind"));
    addValueOption(QStringLiteral("data-dir"), QStringLiteral("DIR"),
                   QStringLiteral("Data directory: logs, backups, SQLite file, secrets (default TF_DATA_DIR, "
                                  "else ~/.local/share/terrafusion; /var/lib/terrafusion for the packaged service)."),
                   QStringLiteral("paths/data_dir"));
    addValueOption(QStringLiteral("database"), QStringLiteral("URL"),
                   QStringLiteral("Control database: postgresql://user:pass@host:port/db, sqlite:///path or a "
                                  "file path (default DATABASE_URL, else PG* variables, else the SQLite file "
                                  "terrafusion.db in the data directory)."),
                   QStringLiteral("database/url"));
    addValueOption(QStringLiteral("config"), QStringLiteral("FILE"),
                   QStringLiteral("INI configuration file (default TF_CONFIG, else "
                                  "~/.config/terrafusion/terrafusion.ini when it exists)."),
                   QStringLiteral("config/file"));
}

void CommandLine::exitWithUsageError(const QString &program, const QString &message)
{
    std::fprintf(stderr, "%s: %s (see --help)\n", qPrintable(program), qPrintable(message));
    std::fflush(stderr);
    std::exit(2);
}

void CommandLine::process(const QStringList &arguments)
{
    if (!m_parser.parse(arguments))
        exitWithUsageError(m_program, m_parser.errorText().replace(QLatin1Char('\n'), QLatin1Char(' ')));
    if (m_parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(m_parser.helpText()), stdout);
        if (!m_epilog.isEmpty())
            std::printf("\n%s\n", qPrintable(m_epilog.trimmed()));
        std::exit(0);
    }
    if (m_parser.isSet(QStringLiteral("version"))) {
        std::printf("%s %s\n", qPrintable(m_program), TF_VERSION_STRING);
        std::exit(0);
    }

    QHash<QString, QString> switchOwner;
    for (const Mapping &mapping : std::as_const(m_mappings)) {
        if (!m_parser.isSet(mapping.name))
            continue;
        if (mapping.switchValue.isEmpty()) {
            const QStringList values = m_parser.values(mapping.name);
            if (values.size() > 1)
                exitWithUsageError(m_program, QStringLiteral("--%1 given more than once").arg(mapping.name));
            if (values.constFirst().trimmed().isEmpty())
                exitWithUsageError(m_program, QStringLiteral("--%1 needs a non-empty value").arg(mapping.name));
            m_flags.insert(mapping.configKey, values.constFirst());
        } else {
            if (switchOwner.contains(mapping.configKey)) {
                exitWithUsageError(m_program, QStringLiteral("--%1 and --%2 cannot be used together")
                                                  .arg(switchOwner.value(mapping.configKey), mapping.name));
            }
            switchOwner.insert(mapping.configKey, mapping.name);
            m_flags.insert(mapping.configKey, mapping.switchValue);
        }
    }
}

} // namespace tf
