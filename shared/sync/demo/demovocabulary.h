#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace tf::sync::demo {

// Words the demo county is made of: a Washington county along the Columbia (Tri-Cities
// area): its towns with their ZIP codes, street names, owner names, subdivisions.
struct City
{
    QString name;
    QStringList zipCodes;
    int weight = 1; // share of the county's parcels
};

const QList<City> &cities();
const QStringList &streetNames();
const QStringList &streetSuffixes();
const QStringList &streetDirections(); // "" for none
const QStringList &lastNames();
const QStringList &firstNames();
const QStringList &subdivisions();
const QStringList &businessWords(); // "COLUMBIA BASIN", "TRI-CITIES"...
const QStringList &businessKinds(); // "HOLDINGS", "PROPERTIES"...
const QStringList &governmentOwners(); // "CITY OF KENNEWICK"...

// The owner types the demo pairs accept (the "enum" rule lists the same).
const QStringList &ownerTypes();
// The structure conditions, best first.
const QStringList &conditions();

} // namespace tf::sync::demo
