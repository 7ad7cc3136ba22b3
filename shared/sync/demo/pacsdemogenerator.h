#pragma once

#include "demosummary.h"

#include <QString>

namespace tf::sync {

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
};

} // namespace tf::sync
