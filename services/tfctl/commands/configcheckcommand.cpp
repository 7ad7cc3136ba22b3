#include "configcheckcommand.h"

#include "core/cli.h"
#include "core/config.h"
#include "core/configschema.h"
#include "core/errors.h"
#include "tfctl/platformlocation.h"
#include "tfctl/toolcontext.h"

#include <QFileInfo>
#include <QSettings>

#include <cstdio>

namespace tf::tfctl {

int runConfigCommand(const QStringList &arguments)
{
    const QString program = QStringLiteral("tfctl config");
    CommandLine commandLine(program, QStringLiteral("Check a configuration file.\n\n"
                                                    "Example: tfctl config check /etc/terrafusion/terrafusion.ini\n"
                                                    "Read: resources/config/terrafusion.example.ini (every key)."));
    commandLine.addPositional(QStringLiteral("config"), QStringLiteral("The command group."), QStringLiteral("config"));
    commandLine.addPositional(QStringLiteral("command"), QStringLiteral("check"));
    commandLine.addPositional(QStringLiteral("file"), QStringLiteral("INI file (default: the one tfctl would read)."),
                              QStringLiteral("[file]"));
    addToolOptions(commandLine);
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    if (positional.value(1) != QLatin1String("check") || positional.size() > 3)
        CommandLine::exitWithUsageError(program, QStringLiteral("use: config check [FILE]"));
    try {
        QString file = positional.value(2);
        if (file.isEmpty()) {
            const ServiceContext service = platform::resolve(commandLine); // loads and checks it
            file = service.config.configFile();
            if (file.isEmpty()) {
                std::printf("no configuration file is in use (defaults, environment and flags only)\n");
                return 0;
            }
        }
        if (!QFileInfo(file).isFile())
            throw Error(Error::Kind::Validation, QStringLiteral("%1 does not exist or is not a file").arg(file));
        configschema::checkFile(file);
        Config::Inputs inputs;
        inputs.configFile = file;
        inputs.environment = QProcessEnvironment();
        const Config config = Config::load(inputs);
        const QSettings settings(file, QSettings::IniFormat);
        std::printf("%s: ok, %lld setting(s), every key known\n", qPrintable(file),
                    static_cast<long long>(settings.allKeys().size()));
        return 0;
    } catch (const Error &error) {
        return reportError(program, error);
    }
}

} // namespace tf::tfctl
