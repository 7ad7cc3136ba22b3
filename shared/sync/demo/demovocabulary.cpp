#include "demovocabulary.h"

namespace tf::sync::demo {

namespace {

QStringList words(const char *barSeparated)
{
    return QString::fromLatin1(barSeparated).split(QLatin1Char('|'));
}

} // namespace

const QList<City> &cities()
{
    static const QList<City> list {
        { QStringLiteral("Kennewick"), words("99336|99337|99338"), 35 },
        { QStringLiteral("Richland"), words("99352|99354"), 25 },
        { QStringLiteral("Pasco"), words("99301"), 12 },
        { QStringLiteral("West Richland"), words("99353"), 10 },
        { QStringLiteral("Prosser"), words("99350"), 8 },
        { QStringLiteral("Benton City"), words("99320"), 5 },
        { QStringLiteral("Finley"), words("99337"), 3 },
        { QStringLiteral("Plymouth"), words("99346"), 2 },
    };
    return list;
}

const QStringList &streetNames()
{
    static const QStringList list = words(
        "Clearwater|Columbia Center|Canal|Gage|Keene|Van Giesen|Jadwin|George Washington|Stevens|"
        "Leslie|Edison|Vista|Olympia|Union|Kellogg|Badger Canyon|Bombing Range|Dallas|Steptoe|"
        "Queensgate|Duportail|Wine Country|Meade|Cottonwood|Sagebrush|Desert|Rainier|Cascade|"
        "Yakima|Snoqualmie|Chelan|Whitman|Okanogan|Wenatchee|Spokane|Kamiak|Palouse|Horse Heaven|"
        "Rattlesnake|Thayer|Lee|Swift|Williams|Goethals|Wellsian|Cedar|Alder|Tamarack|Juniper|"
        "Willow|Birch|Sunset|Hillview|Road 68|Road 100|Argent|Court|Sylvester|Lewis|Clark");
    return list;
}

const QStringList &streetSuffixes()
{
    static const QStringList list = words("Ave|St|Blvd|Dr|Ln|Way|Ct|Pl|Rd|Loop");
    return list;
}

const QStringList &streetDirections()
{
    static const QStringList list = words("||||W|S|N|E|SW|NE");
    return list;
}

const QStringList &lastNames()
{
    static const QStringList list = words(
        "SMITH|JOHNSON|WILLIAMS|BROWN|JONES|GARCIA|MILLER|DAVIS|RODRIGUEZ|MARTINEZ|HERNANDEZ|"
        "LOPEZ|GONZALEZ|WILSON|ANDERSON|THOMAS|TAYLOR|MOORE|JACKSON|MARTIN|LEE|PEREZ|THOMPSON|"
        "WHITE|HARRIS|SANCHEZ|CLARK|RAMIREZ|LEWIS|ROBINSON|WALKER|YOUNG|ALLEN|KING|WRIGHT|SCOTT|"
        "TORRES|NGUYEN|HILL|FLORES|GREEN|ADAMS|NELSON|BAKER|HALL|RIVERA|CAMPBELL|MITCHELL|CARTER|"
        "ROBERTS|OLSON|LARSON|PETERSON|HANSEN|JOHANSEN|O'BRIEN|MCDONALD|VAN DYKE");
    return list;
}

const QStringList &firstNames()
{
    static const QStringList list = words(
        "JAMES|MARY|ROBERT|PATRICIA|JOHN|JENNIFER|MICHAEL|LINDA|DAVID|ELIZABETH|WILLIAM|BARBARA|"
        "RICHARD|SUSAN|JOSEPH|JESSICA|THOMAS|SARAH|CHARLES|KAREN|MARIA|JOSE|DANIEL|NANCY|MARK|"
        "LISA|PAUL|BETTY|STEVEN|SANDRA|KEVIN|ASHLEY|BRIAN|EMILY|GARY|DONNA|ERIC|MICHELLE");
    return list;
}

const QStringList &subdivisions()
{
    static const QStringList list = words(
        "CANYON LAKES|MEADOW SPRINGS|SOUTHRIDGE|HORN RAPIDS|BADGER MOUNTAIN SOUTH|VINEYARD HEIGHTS|"
        "CREEKSTONE|HANSEN PARK|GRANDRIDGE|TAPTEAL|COUNTRY RIDGE|COLUMBIA PARK ESTATES|"
        "SUNSET VIEW|WESTGATE|BELMONT|RIVERSHORE|HIGHLANDS|QUAIL RIDGE");
    return list;
}

const QStringList &businessWords()
{
    static const QStringList list = words(
        "COLUMBIA BASIN|TRI-CITIES|BADGER MOUNTAIN|HORSE HEAVEN|YAKIMA VALLEY|RATTLESNAKE RIDGE|"
        "COLUMBIA RIVER|CASCADE|INLAND NORTHWEST|SAGEBRUSH");
    return list;
}

const QStringList &businessKinds()
{
    static const QStringList list
        = words("HOLDINGS|PROPERTIES|INVESTMENTS|DEVELOPMENT|LAND|FARMS|VENTURES");
    return list;
}

const QStringList &governmentOwners()
{
    static const QStringList list
        = words("CITY OF KENNEWICK|CITY OF RICHLAND|CITY OF WEST RICHLAND|BENTON COUNTY|STATE OF "
                "WASHINGTON|"
                "PORT OF BENTON|KENNEWICK SCHOOL DISTRICT 17|UNITED STATES OF AMERICA");
    return list;
}

const QStringList &ownerTypes()
{
    static const QStringList list
        = words("Individual|Trust|Estate|LLC|Corporation|Partnership|Government");
    return list;
}

const QStringList &conditions()
{
    static const QStringList list = words("Excellent|Good|Average|Fair|Poor");
    return list;
}

} // namespace tf::sync::demo
