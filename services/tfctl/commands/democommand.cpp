#include "democommand.h"

#include "demoinstallsteps.h"
#include "demoreport.h"
#include "gisdemoinstall.h"

#include "core/errors.h"
#include "core/paths.h"
#include "core/redact.h"
#include "db/connection.h"
#include "db/controldatabase.h"
#include "db/databaseurl.h"
#include "sync/demo/pacsdemogenerator.h"
#include "sync/systems/systemdefinition.h"
#include "sync/systems/systemregistry.h"
#include "tfctl/platformlocation.h"
#include "tfctl/toolcontext.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

#include <cstdio>

using tf::tfctl::demo::step;

static void initDemoResources()
{
    Q_INIT_RESOURCE(demo); // tfcore is a static library: pull in the compiled-in files
}

namespace tf::tfctl {

namespace {

const QString &kPacsName = demo::kPacsSystemName;
const QString &kCamaName = demo::kCamaSystemName;
const char *const kPairFiles[] = { "property", "owner", "value", "structure" };

QJsonObject demoPairFile(const char *name)
{
    return QJsonDocument::fromJson(demo::resource(QStringLiteral(":/demo/pairs/%1.json").arg(QLatin1String(name)))).object();
}

// The pairs to install (system ids still to set). In hash or full mode one pair per file. In
// cdc mode one pair holding the four files' entities: one slot streams every table, so a
// source transaction touching a property and its owners is applied in one target transaction
// in its order, and the snapshot loads the properties before the rows that reference them
// (four cdc pairs would snapshot at once, and the children's references would fail).
QList<QJsonObject> demoPairs(const QString &mode)
{
    QList<QJsonObject> list;
    if (mode != QLatin1String("cdc")) {
        for (const char *name : kPairFiles) {
            QJsonObject json = demoPairFile(name);
            if (!mode.isEmpty())
                json.insert(QStringLiteral("mode"), mode);
            list.append(json);
        }
        return list;
    }
    QJsonObject pair = demoPairFile(kPairFiles[0]);
    QJsonArray entities;
    for (const char *name : kPairFiles) {
        for (const QJsonValue &value : demoPairFile(name).value(QStringLiteral("entities")).toArray()) {
            QJsonObject entity = value.toObject();
            if (!entities.isEmpty()) // after the properties
                entity.insert(QStringLiteral("depends_on"), QJsonArray { entities.first().toObject().value(QStringLiteral("name")) });
            entities.append(entity);
        }
    }
    pair.insert(QStringLiteral("name"), QStringLiteral("PACS to CAMA: all tables (cdc)"));
    pair.insert(QStringLiteral("mode"), mode);
    pair.insert(QStringLiteral("entities"), entities);
    pair.remove(QStringLiteral("schedule")); // a stream runs all the time
    list.append(pair);
    return list;
}

const QStringList kModes { QStringLiteral("hash"), QStringLiteral("full"), QStringLiteral("cdc") };

// The value of a --…-url option: empty when not given; a URL that is not postgresql:// exits 2.
QString postgresUrlOption(const CommandLine &commandLine, const QString &option)
{
    const QString url = commandLine.value(option);
    if (url.isEmpty())
        return url;
    try {
        if (!db::DatabaseUrl::parse(url).isPostgres())
            CommandLine::exitWithUsageError(QStringLiteral("tfctl demo"),
                                            QStringLiteral("--%1 must be a postgresql:// URL").arg(option));
    } catch (const Error &error) {
        CommandLine::exitWithUsageError(QStringLiteral("tfctl demo"), QStringLiteral("--%1: ").arg(option) + error.message());
    }
    return url;
}

// The options the installed demo was generated with (its demo-summary.json), for adding the
// GIS part later: the same parcels and seed give the same parcel numbers.
sync::PacsDemoGenerator::Options installedOptions(const QString &dataDir)
{
    QFile file(dataDir + QStringLiteral("/demo/demo-summary.json"));
    const QJsonObject summary = file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object() : QJsonObject();
    const QJsonObject counts = summary.value(QStringLiteral("row_counts")).toObject();
    if (!summary.value(QStringLiteral("seed")).isDouble() || !counts.value(QStringLiteral("Property")).isDouble())
        throw Error(Error::Kind::Validation, QStringLiteral("%1 is missing or damaged: the GIS demo needs the PACS demo's parcels and seed; "
                                                            "install the demo with --gis into a new --data-dir").arg(file.fileName()));
    sync::PacsDemoGenerator::Options options;
    options.seed = quint32(summary.value(QStringLiteral("seed")).toInteger());
    options.parcels = int(counts.value(QStringLiteral("Property")).toInteger());
    options.brokenRows = qMin(options.brokenRows, options.parcels / 4);
    return options;
}

void printGisNext()
{
    std::printf("GIS demo installed; tf-gateway serves the layer at /demo/ogcapi once (re)started; run the pair \"GIS parcels "
                "to CAMA\" after the property pair, then `tfctl demo report` (docs/demo-gis.md)\n");
}

} // namespace

int runDemoCommand(const QStringList &arguments)
{
    initDemoResources();
    CommandLine commandLine(QStringLiteral("tfctl demo"), QStringLiteral("Install the PACS to CAMA demo (with --gis the GIS parcel layer beside it), or report the parcels "
                                                                   "the GIS demo finds on one side only."));
    commandLine.addPositional(QStringLiteral("demo"), QStringLiteral("The command group."), QStringLiteral("demo"));
    commandLine.addPositional(QStringLiteral("command"), QStringLiteral("install or report"));
    addToolOptions(commandLine);
    commandLine.addValueOption(QStringLiteral("parcels"), QStringLiteral("N"),
                               QStringLiteral("Parcels to generate (default 12000, a mid-size county)."),
                               QStringLiteral("demo/parcels"));
    commandLine.addValueOption(QStringLiteral("seed"), QStringLiteral("S"), QStringLiteral("Random seed (default 20251)."),
                               QStringLiteral("demo/seed"));
    commandLine.addValueOption(QStringLiteral("cama-url"), QStringLiteral("URL"),
                               QStringLiteral("Put the CAMA target in this PostgreSQL database instead of SQLite."),
                               QStringLiteral("demo/cama_url"));
    commandLine.addValueOption(QStringLiteral("pacs-url"), QStringLiteral("URL"),
                               QStringLiteral("Put the PACS source in this PostgreSQL database instead of SQLite "
                                              "(its tables must not exist yet; the system is of kind postgres)."),
                               QStringLiteral("demo/pacs_url"));
    commandLine.addValueOption(QStringLiteral("mode"), QStringLiteral("MODE"),
                               QStringLiteral("Change detection mode of the installed pairs: hash (default), full, or "
                                              "cdc (one pair streaming all four tables; needs --pacs-url and "
                                              "--cama-url, and wal_level=logical on the PACS server; docs/cdc.md)."),
                               QStringLiteral("demo/mode"));
    commandLine.addSwitch(QStringLiteral("if-missing"), QStringLiteral("Do nothing when the demo is already installed "
                                                                       "(with --gis: add only the GIS part when it is missing)."),
                          QStringLiteral("demo/if_missing"), QStringLiteral("true"));
    commandLine.addSwitch(QStringLiteral("gis"), QStringLiteral("Also install the GIS demo: a parcel layer tf-gateway serves at "
                                                                "/demo/ogcapi, an ogcapi system and the pair \"GIS parcels to "
                                                                "CAMA\" (docs/demo-gis.md)."),
                          QStringLiteral("demo/gis"), QStringLiteral("true"));
    commandLine.addValueOption(QStringLiteral("gis-url"), QStringLiteral("URL"),
                               QStringLiteral("The landing page the GIS demo's system reads (default: "
                                              "http://127.0.0.1:<[gateway] port, 5000>/demo/ogcapi)."),
                               QStringLiteral("demo/gis_url"));
    commandLine.addValueOption(QStringLiteral("limit"), QStringLiteral("N"),
                               QStringLiteral("demo report: parcels listed per side (default 20)."), QStringLiteral("demo/report_limit"));
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("demo report: print JSON."), QStringLiteral("demo/json"), QStringLiteral("true"));
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    const QString command = positional.value(1);
    if ((command != QLatin1String("install") && command != QLatin1String("report")) || positional.size() != 2)
        CommandLine::exitWithUsageError(QStringLiteral("tfctl demo"), QStringLiteral("the commands are: install, report"));
    if (command == QLatin1String("report"))
        return runDemoReport(commandLine);
    for (const QString &reportOnly : { QStringLiteral("limit"), QStringLiteral("json") }) {
        if (commandLine.isSet(reportOnly))
            CommandLine::exitWithUsageError(QStringLiteral("tfctl demo"), QStringLiteral("--%1 is an option of demo report").arg(reportOnly));
    }
    const bool withGis = commandLine.isSet(QStringLiteral("gis"));
    const QString gisUrlOption = commandLine.value(QStringLiteral("gis-url"));
    if (!gisUrlOption.isEmpty()) {
        const QUrl url(gisUrlOption, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) || url.host().isEmpty())
            CommandLine::exitWithUsageError(QStringLiteral("tfctl demo"), QStringLiteral("--gis-url must be an http:// or https:// URL"));
    }

    sync::PacsDemoGenerator::Options options;
    bool ok = true;
    if (commandLine.isSet(QStringLiteral("parcels"))) {
        options.parcels = commandLine.value(QStringLiteral("parcels")).toInt(&ok);
        if (!ok || options.parcels < 10 || options.parcels > 2000000)
            CommandLine::exitWithUsageError(QStringLiteral("tfctl demo"), QStringLiteral("--parcels must be a number from 10 to 2000000"));
    }
    options.brokenRows = qMin(options.brokenRows, options.parcels / 4);
    if (commandLine.isSet(QStringLiteral("seed"))) {
        options.seed = commandLine.value(QStringLiteral("seed")).toUInt(&ok);
        if (!ok)
            CommandLine::exitWithUsageError(QStringLiteral("tfctl demo"), QStringLiteral("--seed must be a non-negative number"));
    }
    const QString camaUrl = postgresUrlOption(commandLine, QStringLiteral("cama-url"));
    const QString pacsUrl = postgresUrlOption(commandLine, QStringLiteral("pacs-url"));
    const QString mode = commandLine.value(QStringLiteral("mode"));
    if (!mode.isEmpty() && !kModes.contains(mode))
        CommandLine::exitWithUsageError(QStringLiteral("tfctl demo"),
                                        QStringLiteral("--mode must be one of: ") + kModes.join(QStringLiteral(", ")));
    if (mode == QLatin1String("cdc") && (pacsUrl.isEmpty() || camaUrl.isEmpty()))
        CommandLine::exitWithUsageError(QStringLiteral("tfctl demo"),
                                        QStringLiteral("--mode cdc needs --pacs-url and --cama-url (cdc streams from "
                                                       "PostgreSQL to PostgreSQL)"));

    try {
        QElapsedTimer clock;
        clock.start();
        auto context = ToolContext::open(commandLine);
        db::Database &control = context->database().database();
        const qint64 existing = demo::systemNamed(control, kPacsName);
        if (existing != 0) {
            if (commandLine.isSet(QStringLiteral("if-missing"))) {
                std::printf("demo already installed (system %lld \"%s\")\n", static_cast<long long>(existing), qPrintable(kPacsName));
                if (!withGis)
                    return 0;
                if (const qint64 gis = demo::systemNamed(control, GisDemoInstall::kSystemName)) {
                    std::printf("GIS demo already installed (system %lld \"%s\")\n", static_cast<long long>(gis),
                                qPrintable(GisDemoInstall::kSystemName));
                    return 0;
                }
                // The GIS part beside the installed demo: its parcels, seed and CAMA database.
                sync::SystemRegistry systems(control, context->secrets());
                GisDemoInstall gis;
                gis.options = installedOptions(context->service().dataDir);
                gis.camaSystem = demo::systemNamed(control, kCamaName);
                if (gis.camaSystem == 0)
                    throw Error(Error::Kind::Conflict, QStringLiteral("the demo's system \"%1\" is gone; install the demo with a new --data-dir").arg(kCamaName));
                gis.camaUrl = camaUrlOf(systems, gis.camaSystem);
                gis.gisUrl = gisUrlOption.isEmpty() ? defaultGisUrl(*context) : gisUrlOption;
                gis.run(*context, systems, clock);
                printGisNext();
                return 0;
            }
            throw Error(Error::Kind::Conflict, QStringLiteral("the demo is already installed (system \"%1\"); "
                                                              "use --if-missing, or a new --data-dir").arg(kPacsName));
        }

        // The secret key first: a bad one must stop the install before it writes a database
        // (PACS tables left in --pacs-url would make the next attempt fail).
        sync::SystemRegistry systems(control, context->secrets());
        const QString demoDir = paths::ensureDir(context->service().dataDir + QStringLiteral("/demo"));
        const QString pacsPath = demoDir + QStringLiteral("/pacs.db");
        step(clock, QStringLiteral("generating PACS demo data: %1 parcels into %2")
                        .arg(options.parcels)
                        .arg(pacsUrl.isEmpty() ? pacsPath : redactUrl(pacsUrl)));
        const sync::DemoSummary summary = pacsUrl.isEmpty() ? sync::PacsDemoGenerator::generate(pacsPath, options)
                                                            : sync::PacsDemoGenerator::generateInPostgres(pacsUrl, options);
        for (auto it = summary.rowCounts.cbegin(); it != summary.rowCounts.cend(); ++it)
            step(clock, QStringLiteral("  %1: %2 rows").arg(it.key(), -14).arg(it.value()));
        step(clock, QStringLiteral("  %1 rows broken on purpose (they will be quarantined)").arg(summary.brokenRows.size()));
        paths::writeFileAtomically(demoDir + QStringLiteral("/demo-summary.json"),
                                   QJsonDocument(summary.toJson()).toJson(QJsonDocument::Indented));

        QString targetUrl = camaUrl;
        QJsonObject camaSettings;
        QString camaKind;
        if (camaUrl.isEmpty()) {
            const QString camaPath = demoDir + QStringLiteral("/cama.db");
            QFile::remove(camaPath);
            targetUrl = QStringLiteral("sqlite://") + camaPath;
            camaKind = QStringLiteral("sqlite");
            camaSettings.insert(QStringLiteral("path"), camaPath);
            step(clock, QStringLiteral("creating the CAMA schema in %1").arg(camaPath));
            demo::applySchema(targetUrl, QStringLiteral(":/demo/cama_sqlite.sql"));
        } else {
            camaKind = QStringLiteral("postgres");
            camaSettings.insert(QStringLiteral("url"), camaUrl);
            step(clock, QStringLiteral("creating the CAMA schema in %1").arg(redactUrl(camaUrl)));
            demo::applySchema(camaUrl, QStringLiteral(":/demo/cama_postgres.sql"));
        }

        sync::SystemDefinition pacs;
        pacs.name = kPacsName;
        pacs.kind = pacsUrl.isEmpty() ? QStringLiteral("sqlite") : QStringLiteral("postgres");
        pacs.description = QStringLiteral("Legacy PACS export (generated demo data)");
        pacs.settings = pacsUrl.isEmpty() ? QJsonObject { { QStringLiteral("path"), pacsPath } }
                                          : QJsonObject { { QStringLiteral("url"), pacsUrl } };
        const qint64 pacsId = systems.create(pacs);
        sync::SystemDefinition cama;
        cama.name = kCamaName;
        cama.kind = camaKind;
        cama.description = QStringLiteral("CAMA database (demo target)");
        cama.settings = camaSettings;
        const qint64 camaId = systems.create(cama);
        step(clock, QStringLiteral("registered systems %1 \"%2\" and %3 \"%4\"").arg(pacsId).arg(kPacsName).arg(camaId).arg(kCamaName));

        for (const QJsonObject &json : demoPairs(mode)) {
            const qint64 id = demo::addPair(*context, json, pacsId, camaId);
            step(clock, QStringLiteral("added sync pair %1 \"%2\"").arg(id).arg(json.value(QStringLiteral("name")).toString()));
        }
        if (withGis) {
            GisDemoInstall gis;
            gis.options = options;
            gis.camaSystem = camaId;
            gis.camaUrl = targetUrl;
            gis.gisUrl = gisUrlOption.isEmpty() ? defaultGisUrl(*context) : gisUrlOption;
            gis.run(*context, systems, clock);
        }
        if (mode == QLatin1String("cdc"))
            std::printf("demo installed; tf-syncd streams the cdc pair while it is enabled (it holds one [sync] worker; "
                        "docs/cdc.md, \"Try it with the demo\")\n");
        else
            std::printf("demo installed; run `tfctl sync list` and `tfctl sync run <pair>` (property first: the others "
                        "reference it)\n");
        if (withGis)
            printGisNext();
        return 0;
    } catch (const Error &error) {
        return reportError(QStringLiteral("tfctl demo"), error);
    }
}

} // namespace tf::tfctl
