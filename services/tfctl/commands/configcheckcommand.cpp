#include "configcheckcommand.h"

#include "core/cli.h"
#include "core/config.h"
#include "core/configschema.h"
#include "core/errors.h"
#include "core/sealedsetting.h"
#include "core/secretbox.h"
#include "tfctl/platformlocation.h"
#include "tfctl/toolcontext.h"

#include <QFile>
#include <QFileInfo>
#include <QSettings>

#include <cstdio>

namespace tf::tfctl {

namespace {

// Reads one secret from standard input (never from argv, where `ps` and shell history would
// keep it) and prints it sealed with the data directory's key, for a *_sealed INI key.
int sealSecret(const QString &program, const CommandLine &commandLine)
{
    try {
        const ServiceContext service = platform::resolve(commandLine);
        QFile input;
        if (!input.open(stdin, QIODevice::ReadOnly))
            throw Error(Error::Kind::Validation, QStringLiteral("cannot read standard input"));
        QByteArray secret = input.readAll();
        while (secret.endsWith('\n') || secret.endsWith('\r'))
            secret.chop(1);
        if (secret.isEmpty() || secret.contains('\n'))
            throw Error(Error::Kind::Validation,
                        QStringLiteral("give the secret as one non-empty line on standard input"));
        const SecretBox box = SecretBox::fromEnvironmentOrKeyFile(service.dataDir);
        std::printf("%s\n", qPrintable(sealedsetting::seal(box, secret)));
        std::fprintf(stderr, "sealed with %s; only services with that key (or TF_SECRET_KEY) can open it\n",
                     qPrintable(qEnvironmentVariableIsSet("TF_SECRET_KEY")
                                    ? QStringLiteral("TF_SECRET_KEY")
                                    : SecretBox::keyFilePath(service.dataDir)));
        return 0;
    } catch (const Error &error) {
        return reportError(program, error);
    }
}

} // namespace

int runConfigCommand(const QStringList &arguments)
{
    const QString program = QStringLiteral("tfctl config");
    CommandLine commandLine(program, QStringLiteral("Check a configuration file, or seal a secret for it.\n\n"
                                                    "Example: tfctl config check /etc/terrafusion/terrafusion.ini\n"
                                                    "Example: sudo -u terrafusion tfctl config seal < bind-password.txt\n"
                                                    "  (prints sealed:... for [ldap] bind_password_sealed; the secret is read\n"
                                                    "  from standard input and sealed with the data directory's secret.key)\n"
                                                    "Read: resources/config/terrafusion.example.ini (every key)."));
    commandLine.addPositional(QStringLiteral("config"), QStringLiteral("The command group."), QStringLiteral("config"));
    commandLine.addPositional(QStringLiteral("command"), QStringLiteral("check | seal"));
    commandLine.addPositional(QStringLiteral("file"), QStringLiteral("INI file (default: the one tfctl would read)."),
                              QStringLiteral("[file]"));
    addToolOptions(commandLine);
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    if (positional.value(1) == QLatin1String("seal") && positional.size() == 2)
        return sealSecret(program, commandLine);
    if (positional.value(1) != QLatin1String("check") || positional.size() > 3)
        CommandLine::exitWithUsageError(program, QStringLiteral("use: config check [FILE] | config seal < SECRET"));
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
