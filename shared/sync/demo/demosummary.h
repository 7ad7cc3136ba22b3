#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace tf::sync {

// What PacsDemoGenerator wrote: rows per table and the rows it broke on purpose, so a test
// (or an administrator trying the product) can check that exactly those are quarantined.
struct DemoSummary
{
    struct BrokenRow
    {
        QString table; // "Owner"
        QString keyColumn; // "OwnerID"
        QString key; // the key as the source holds it: "1234", "{9F0C...}"
        QString column; // the broken source column: "OwnershipPercentage"
        QString value; // the broken value as text ("NULL" for NULL)
        QString targetField; // the mapped field the demo pair's rule checks: "ownership_percentage"
        QString rule; // the demo pair's rule that rejects it: "max_value"
        QString reason; // for people: "ownership of 140% is more than 100%"
    };

    QString path;
    quint32 seed = 0;
    QMap<QString, qint64> rowCounts; // table -> rows written
    QList<BrokenRow> brokenRows; // in the order they were written

    qint64 rowCount(const QString &table) const { return rowCounts.value(table); }
    // Keys of the broken rows of one table, in the order they were written.
    QStringList brokenKeys(const QString &table) const;
    QJsonObject toJson() const;
};

} // namespace tf::sync
