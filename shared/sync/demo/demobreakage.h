#pragma once

#include <QList>
#include <QString>
#include <QVariant>

namespace tf::sync::demo {

enum class PacsTable { Property, Owner, PropertyValue, Structure };

// One way the demo breaks a row on purpose, and the rule of the demo pairs
// (resources/demo/pairs/*.json) that must reject it. Each is a mistake legacy data really
// has: a ZIP code typed into the wrong field, a negative acreage from a bad import, an
// ownership share over 100%, an owner whose property was deleted without its owners...
struct Breakage
{
    PacsTable table;
    QString column; // the source column changed
    QVariant value; // what it is changed to (a NULL QVariant for NULL)
    QString targetField; // the mapped field the rule checks
    QString rule; // the rule that rejects the row
    QString reason;
    bool orphan = false; // instead of changing a row, adds one whose PropertyID matches no Property
};

// In an order that spreads the first few over all four tables; the generator cycles through
// it when asked for more broken rows than it holds.
const QList<Breakage> &breakages();

} // namespace tf::sync::demo
