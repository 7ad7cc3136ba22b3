#pragma once

#include "httplimits.h"

#include "core/cli.h"
#include "core/config.h"

#include <QHash>
#include <QHostAddress>
#include <QSslConfiguration>
#include <optional>
#include <QString>

#include <functional>

namespace tf {

// What every service resolves at start-up, in one place: configuration layered from flags,
// environment, INI file and defaults; the data directory; logging; the database URL.
struct ServiceContext
{
    QString program;
    Config config;
    QString dataDir;
    QString databaseUrl;    // resolved: explicit URL, or the SQLite file in the data dir
    bool embeddedDatabase = false;
    QHostAddress bindAddress;
    quint16 port = 0;
    http::HttpLimits limits;
    QString nodeId;
    std::optional<QSslConfiguration> tls; // tf-syncd: [syncd] tls_certificate/tls_private_key

    // Builds the context; throws tf::Error(Validation) on any bad value. Does not log yet.
    static ServiceContext resolve(const QString &program, const CommandLine &commandLine,
                                  QHash<QString, QString> defaults);
    // Creates the data directory and installs file + stderr logging.
    void installLogging() const;
    // Writes <data>/run/<program>.pid and .port; removed by removeRunFiles().
    void writeRunFiles(quint16 boundPort) const;
    void removeRunFiles() const;

    static QHash<QString, QString> commonDefaults();
};

// Runs the start-up of a program; a tf::Error escaping it becomes one line on stderr and exit
// code 2 (bad configuration) or 1 (a dependency that is down), never a stack of warnings.
int runService(const QString &program, const std::function<int()> &body);

} // namespace tf
