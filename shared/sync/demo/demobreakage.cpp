#include "demobreakage.h"

namespace tf::sync::demo {

namespace {

Breakage change(PacsTable table, const char *column, const QVariant &value, const char *field,
                const char *rule, const char *reason)
{
    return Breakage { table,
                      QString::fromLatin1(column),
                      value,
                      QString::fromLatin1(field),
                      QString::fromLatin1(rule),
                      QString::fromLatin1(reason),
                      false };
}

} // namespace

const QList<Breakage> &breakages()
{
    using T = PacsTable;
    static const QList<Breakage> list {
        change(T::Property, "ZipCode", QStringLiteral("ABCDE"), "zip_code", "pattern",
               "ZIP code 'ABCDE' is not 5 digits (or 5+4)"),
        change(T::Owner, "OwnershipPercentage", QStringLiteral("140.00"), "ownership_percentage",
               "max_value", "ownership of 140% is more than 100%"),
        change(T::PropertyValue, "AssessedValue", qint64(-15000), "assessed_value", "min_value",
               "assessed value is negative"),
        change(T::Structure, "SquareFootage", qint64(-850), "square_footage", "min_value",
               "square footage is negative"),
        change(T::Property, "Acreage", QStringLiteral("-2.5000"), "acreage", "min_value",
               "acreage is negative"),
        change(T::Owner, "OwnerName", QVariant(), "owner_name", "required",
               "owner name is missing (NULL)"),
        change(T::PropertyValue, "TaxYear", qint64(1850), "tax_year", "min_value",
               "tax year 1850 is before any assessment roll"),
        change(T::Structure, "YearBuilt", qint64(2999), "year_built", "max_value",
               "structure built in 2999"),
        change(T::Property, "ParcelNumber", QStringLiteral(""), "parcel_number", "required",
               "parcel number is empty"),
        change(T::Owner, "OwnerType", QStringLiteral("Unknown"), "owner_type", "enum",
               "owner type 'Unknown' is not a known type"),
        change(T::Property, "YearBuilt", qint64(2999), "year_built", "max_value",
               "property built in 2999"),
        Breakage { T::Owner, QStringLiteral("PropertyID"), QVariant(),
                   QStringLiteral("property_source_id"), QStringLiteral("reference"),
                   QStringLiteral("owner of a property that does not exist"), true },
    };
    return list;
}

} // namespace tf::sync::demo
