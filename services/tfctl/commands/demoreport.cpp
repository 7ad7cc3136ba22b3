#include "demoreport.h"

#include "core/cli.h"
#include "core/errors.h"
#include "core/redact.h"
#include "db/connection.h"
#include "db/controldatabase.h"
#include "db/databaseurl.h"
#include "demoinstallsteps.h"
#include "gisdemoinstall.h"
#include "sync/demo/gisdemolayer.h"
#include "sync/systems/systemregistry.h"
#include "tfctl/toolcontext.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlQuery>
#include <QVariant>
#include <cstdio>

namespace tf::tfctl {

namespace {

const QString kProgram = QStringLiteral("tfctl demo");

qint64 count(const db::Database &cama, const QString &sql)
{
    QSqlQuery query = cama.prepare(sql);
    cama.exec(query, "counting the GIS demo's rows");
    return query.next() ? query.value(0).toLongLong() : 0;
}

// One side of the view: its count and its first `limit` parcels in parcel-number order.
QJsonObject side(const db::Database &cama, const QString &onlyIn, int limit,
                 const QSet<QString> &quarantined)
{
    QSqlQuery total = cama.prepare(
        QStringLiteral("SELECT COUNT(*) FROM parcel_gis_mismatch WHERE only_in = ?"));
    total.addBindValue(onlyIn);
    cama.exec(total, "counting the parcels on one side only");
    const qint64 n = total.next() ? total.value(0).toLongLong() : 0;

    QSqlQuery query
        = cama.prepare(QStringLiteral("SELECT parcel_number, area_acres FROM parcel_gis_mismatch "
                                      "WHERE only_in = ? ORDER BY parcel_number LIMIT ?"));
    query.addBindValue(onlyIn);
    query.addBindValue(limit);
    cama.exec(query, "listing the parcels on one side only");
    QJsonArray parcels;
    while (query.next()) {
        const QString number = query.value(0).toString();
        QJsonObject parcel { { QStringLiteral("parcel_number"), number },
                             { QStringLiteral("area_acres"),
                               query.value(1).isNull() ? QJsonValue()
                                                       : QJsonValue(query.value(1).toDouble()) } };
        if (onlyIn == QLatin1String("GIS"))
            parcel.insert(QStringLiteral("pacs_row_quarantined"), quarantined.contains(number));
        parcels.append(parcel);
    }
    // How many of this side are PACS rows held in quarantine (all of them, not only the listed).
    qint64 held = 0;
    if (onlyIn == QLatin1String("GIS") && !quarantined.isEmpty()) {
        QSqlQuery each = cama.prepare(
            QStringLiteral("SELECT parcel_number FROM parcel_gis_mismatch WHERE only_in = ?"));
        each.addBindValue(onlyIn);
        cama.exec(each, "matching the quarantined PACS parcels");
        while (each.next())
            held += quarantined.contains(each.value(0).toString()) ? 1 : 0;
    }
    QJsonObject out { { QStringLiteral("count"), n }, { QStringLiteral("parcels"), parcels } };
    if (onlyIn == QLatin1String("GIS"))
        out.insert(QStringLiteral("pacs_rows_quarantined"), held);
    return out;
}

QSet<QString> quarantinedParcels(const QString &dataDir)
{
    QFile file(dataDir + QStringLiteral("/demo/")
               + QLatin1String(sync::GisDemoLayer::kSummaryFile));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QSet<QString> out;
    for (const QJsonValue &value : QJsonDocument::fromJson(file.readAll())
                                       .object()
                                       .value(QStringLiteral("pacs_quarantined"))
                                       .toArray())
        out.insert(value.toString());
    return out;
}

void printSide(const char *title, const QJsonObject &side, const QString &note)
{
    std::printf("%s: %lld%s\n", title,
                static_cast<long long>(side.value(QStringLiteral("count")).toInteger()),
                qPrintable(note));
    for (const QJsonValue &value : side.value(QStringLiteral("parcels")).toArray()) {
        const QJsonObject parcel = value.toObject();
        std::printf("  %-22s %10s acres%s\n",
                    qPrintable(parcel.value(QStringLiteral("parcel_number")).toString()),
                    parcel.value(QStringLiteral("area_acres")).isDouble()
                        ? qPrintable(QString::number(
                            parcel.value(QStringLiteral("area_acres")).toDouble(), 'f', 4))
                        : "-",
                    parcel.value(QStringLiteral("pacs_row_quarantined")).toBool()
                        ? "  (PACS row in quarantine)"
                        : "");
    }
    const qint64 shown = side.value(QStringLiteral("parcels")).toArray().size();
    if (shown < side.value(QStringLiteral("count")).toInteger())
        std::printf(
            "  ... and %lld more (--limit)\n",
            static_cast<long long>(side.value(QStringLiteral("count")).toInteger() - shown));
}

} // namespace

int runDemoReport(const CommandLine &commandLine)
{
    int limit = 20;
    if (commandLine.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        limit = commandLine.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 0 || limit > 1000000)
            CommandLine::exitWithUsageError(
                kProgram, QStringLiteral("--limit must be a number from 0 to 1000000"));
    }
    try {
        auto context = ToolContext::open(commandLine);
        db::Database &control = context->database().database();
        const qint64 camaSystem = demo::systemNamed(control, demo::kCamaSystemName);
        if (camaSystem == 0 || demo::systemNamed(control, GisDemoInstall::kSystemName) == 0)
            throw Error(
                Error::Kind::NotFound,
                QStringLiteral("the GIS demo is not installed here (tfctl demo install --gis)"));
        sync::SystemRegistry systems(control, context->secrets());
        const QString camaUrl = camaUrlOf(systems, camaSystem);
        const db::Database cama(db::DatabaseUrl::parse(camaUrl));
        const QSet<QString> quarantined = quarantinedParcels(context->service().dataDir);

        const qint64 gisRows = count(cama, QStringLiteral("SELECT COUNT(*) FROM gis_parcels"));
        const qint64 camaRows = count(cama, QStringLiteral("SELECT COUNT(*) FROM cama_property"));
        const QJsonObject gisOnly = side(cama, QStringLiteral("GIS"), limit, quarantined);
        const QJsonObject pacsOnly = side(cama, QStringLiteral("PACS"), limit, quarantined);
        cama.closeThreadConnection();

        if (commandLine.isSet(QStringLiteral("json"))) {
            const QJsonObject report { { QStringLiteral("cama"), redactUrl(camaUrl) },
                                       { QStringLiteral("gis_parcels"), gisRows },
                                       { QStringLiteral("cama_property"), camaRows },
                                       { QStringLiteral("only_in_gis"), gisOnly },
                                       { QStringLiteral("only_in_pacs"), pacsOnly } };
            std::printf("%s", QJsonDocument(report).toJson(QJsonDocument::Indented).constData());
            return 0;
        }
        std::printf("CAMA database: %s\ngis_parcels: %lld rows; cama_property: %lld rows\n",
                    qPrintable(redactUrl(camaUrl)), static_cast<long long>(gisRows),
                    static_cast<long long>(camaRows));
        if (gisRows == 0 || camaRows == 0) {
            // Every parcel of the other side would be listed: not what the report is for.
            std::printf("nothing to compare yet: run the pairs \"PACS to CAMA: properties\" and "
                        "\"GIS parcels to CAMA\" "
                        "first (tfctl sync list)\n");
            return 0;
        }
        const qint64 held = gisOnly.value(QStringLiteral("pacs_rows_quarantined")).toInteger();
        printSide(
            "only in GIS", gisOnly,
            held > 0
                ? QStringLiteral(
                      " (%1 of them are PACS properties held in quarantine: tfctl quarantine list)")
                      .arg(held)
                : QString());
        printSide("only in PACS", pacsOnly, QString());
        return 0;
    } catch (const Error &error) {
        return reportError(kProgram, error);
    }
}

} // namespace tf::tfctl
