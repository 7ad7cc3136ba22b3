#include "pacsdemogenerator.h"

#include "core/errors.h"
#include "core/redact.h"
#include "db/connection.h"
#include "db/databaseurl.h"
#include "demobreakage.h"
#include "demorandom.h"
#include "pacsdemopgwriter.h"
#include "pacsdemowriter.h"
#include "pacsparcelbuilder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QUuid>
#include <cstdio>

namespace tf::sync {

namespace {

// Parcel numbers stay unique up to this many parcels (see parcelNumber()).
constexpr int kMaxParcels = 2250000;

void checkOptions(const PacsDemoGenerator::Options &options)
{
    if (options.parcels < 1 || options.parcels > kMaxParcels)
        throw Error(Error::Kind::Validation,
                    QStringLiteral("demo parcels must be from 1 to %1").arg(kMaxParcels));
    // Each broken row sits on its own parcel, drawn from its own stretch of at least 4.
    if (options.brokenRows < 0 || options.brokenRows > options.parcels / 4)
        throw Error(
            Error::Kind::Validation,
            QStringLiteral("demo broken rows must be from 0 to a quarter of the parcels (%1)")
                .arg(options.parcels / 4));
}

// Which parcel carries which breakage: the parcels are cut into brokenRows equal stretches
// and one parcel is drawn in each, so the broken rows are spread over the whole table.
QHash<int, const demo::Breakage *> planBreakages(const PacsDemoGenerator::Options &options,
                                                 demo::DemoRandom &random)
{
    QHash<int, const demo::Breakage *> plan;
    const QList<demo::Breakage> &catalogue = demo::breakages();
    const int stretch = options.brokenRows > 0 ? options.parcels / options.brokenRows : 0;
    for (int i = 0; i < options.brokenRows; ++i)
        plan.insert(i * stretch + random.between(0, stretch - 1),
                    &catalogue.at(i % catalogue.size()));
    return plan;
}

DemoSummary emptySummary(quint32 seed)
{
    DemoSummary summary;
    summary.seed = seed;
    for (const demo::PacsTable table :
         { demo::PacsTable::Property, demo::PacsTable::Owner, demo::PacsTable::PropertyValue,
           demo::PacsTable::Structure })
        summary.rowCounts.insert(demo::PacsDemoWriter::tableName(table), 0);
    return summary;
}

// The county itself, whichever database it goes to.
void fill(demo::PacsRowSink &sink, const PacsDemoGenerator::Options &options, DemoSummary &summary)
{
    demo::DemoRandom random(options.seed);
    const QHash<int, const demo::Breakage *> plan = planBreakages(options, random);
    demo::PacsParcelBuilder builder(sink, random, summary);
    for (int parcel = 0; parcel < options.parcels; ++parcel)
        builder.addParcel(parcel, plan.value(parcel, nullptr));
}

} // namespace

DemoSummary PacsDemoGenerator::generate(const QString &sqlitePath, const Options &options)
{
    checkOptions(options);
    const QFileInfo target(sqlitePath);
    if (!target.dir().exists())
        throw Error(Error::Kind::Validation,
                    QStringLiteral("demo database folder %1 does not exist").arg(target.path()));

    DemoSummary summary = emptySummary(options.seed);
    summary.path = target.absoluteFilePath();

    // Built beside the target and renamed over it when complete: a reader never sees half a
    // county, and a failed run leaves the previous file alone.
    const QString scratch = summary.path + QStringLiteral(".tmp-")
        + QUuid::createUuid().toString(QUuid::WithoutBraces);
    try {
        {
            demo::PacsDemoWriter writer(scratch);
            fill(writer, options, summary);
            writer.commit();
        }
        if (std::rename(QFile::encodeName(scratch).constData(),
                        QFile::encodeName(summary.path).constData())
            != 0)
            throw Error(Error::Kind::Validation,
                        QStringLiteral("cannot write demo database %1").arg(summary.path));
    } catch (...) {
        QFile::remove(scratch);
        throw;
    }
    return summary;
}

DemoSummary PacsDemoGenerator::generateInto(demo::PacsRowSink &sink, const Options &options)
{
    checkOptions(options);
    DemoSummary summary = emptySummary(options.seed);
    fill(sink, options, summary);
    return summary;
}

DemoSummary PacsDemoGenerator::generateInPostgres(const QString &url, const Options &options)
{
    checkOptions(options);
    const db::DatabaseUrl parsed = db::DatabaseUrl::parse(url);
    if (!parsed.isPostgres())
        throw Error(Error::Kind::Validation, QStringLiteral("the PACS demo URL must be a postgresql:// URL"));
    DemoSummary summary = emptySummary(options.seed);
    summary.path = redactUrl(url);
    db::Database database(parsed);
    {
        // One transaction: a reader never sees half a county, a failure leaves nothing behind.
        demo::PacsDemoPgWriter writer(database);
        fill(writer, options, summary);
        writer.commit();
    }
    database.closeThreadConnection();
    return summary;
}

} // namespace tf::sync
