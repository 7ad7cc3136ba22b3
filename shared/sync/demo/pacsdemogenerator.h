#pragma once

#include "demosummary.h"

#include <QString>

namespace tf::sync {

namespace demo {
class PacsRowSink;
}

// A PACS-style legacy SQLite database of a made-up Washington county, for demos, tests and
// benchmarks: Property, Owner, PropertyValue and Structure in county proportions (per 12k
// parcels about 19k owners, 62k values, 15k structures), realistic values, and exactly
// `brokenRows` rows broken on purpose in documented ways (demobreakage.cpp) that the demo
// pairs in resources/demo/pairs must quarantine. Deterministic: a seed always yields the same
// rows. Every table has a LastModified column, so cursor mode can be shown on each.
class PacsDemoGenerator final
{
public:
    struct Options
    {
        int parcels = 12000;
        quint32 seed = 20251;
        int brokenRows = 12; // at most parcels / 4, each on a different parcel
    };

    // Writes a new database at sqlitePath, replacing any file there only once the new one is
    // complete. Throws tf::Error(Validation) for bad options or an unwritable path.
    static DemoSummary generate(const QString &sqlitePath, const Options &options);
    static DemoSummary generate(const QString &sqlitePath)
    {
        return generate(sqlitePath, Options {});
    }
    // The same rows into the PACS tables of a PostgreSQL database (a postgresql:// URL), in
    // one transaction; the tables must not exist yet (demo::PacsDemoPgWriter). The summary's
    // path is the URL without its password. Throws tf::Error (Validation for bad options or a
    // URL of another kind, the database's error otherwise).
    static DemoSummary generateInPostgres(const QString &url, const Options &options);
    // The same rows into any sink (the GIS demo layer reads the parcels this way, so its
    // parcel numbers and areas are those of the PACS demo of the same options).
    static DemoSummary generateInto(demo::PacsRowSink &sink, const Options &options);
};

} // namespace tf::sync
