#pragma once

#include "demobreakage.h"
#include "demorandom.h"
#include "demosummary.h"

#include <QVariantList>

namespace tf::sync::demo {

class PacsRowSink;

// Makes the rows of one parcel at a time: the property, its owners, its value history and
// its structures, consistent with each other (a vacant lot has no structure and no
// improvement value; shares of current owners add up to 100%; values grow year by year).
// A breakage, when given, is applied to the parcel's first row of that table and recorded
// in the summary; a broken property gets no child rows, so that only it is rejected and not
// its children too (their reference to it would fail once it is quarantined).
class PacsParcelBuilder final
{
public:
    PacsParcelBuilder(PacsRowSink &writer, DemoRandom &random, DemoSummary &summary);

    void addParcel(int index, const Breakage *breakage);

    // The parcel number of the index-th parcel, in the county's 1-2345-678-9012-000 shape
    // (also what the GIS demo layer numbers its parcels by, gisdemolayer.h).
    static QString parcelNumber(int index);

private:
    enum class LandUse { Residential, Rural, Commercial, Vacant };
    struct StructurePlan
    {
        QString type;
        int squareFeet = 0;
        int yearBuilt = 0;
        int bedrooms = 0; // 0: not a dwelling (NULL)
        int bathroomsQuarter = 0; // in quarter baths: 6 = 1.50
    };

    QString guid();
    QString lastModified();
    QString address();
    QString legalDescription(LandUse use, int index);
    QList<StructurePlan> structures(LandUse use, int yearBuilt);
    void writeOwners(const QString &propertyId, LandUse use, const Breakage *breakage);
    void writeValues(const QString &propertyId, LandUse use, int acreage,
                     const QList<StructurePlan> &buildings, const Breakage *breakage);
    void writeStructures(const QString &propertyId, const QList<StructurePlan> &buildings,
                         const Breakage *breakage);
    void write(PacsTable table, QVariantList row, const Breakage *breakage, bool *pending);

    PacsRowSink &m_writer;
    DemoRandom &m_random;
    DemoSummary &m_summary;
    qint64 m_nextOwnerId = 1;
    qint64 m_nextValueId = 1;
    qint64 m_nextStructureId = 1;
};

} // namespace tf::sync::demo
