#include "pacsparcelbuilder.h"

#include "demovocabulary.h"
#include "pacsdemowriter.h"

#include <QDateTime>
#include <QUuid>

namespace tf::sync::demo {

namespace {

const QDate kFirstStartDate(1975, 1, 1);
const QDateTime kLatestChange(QDate(2025, 6, 30), QTime(17, 0), Qt::UTC);
constexpr int kLatestRoll = 2025;

// Exact decimal text of scaled / 10^places: no floating point, so every run writes the same.
QString decimalText(qint64 scaled, int places)
{
    qint64 factor = 1;
    for (int i = 0; i < places; ++i)
        factor *= 10;
    const qint64 magnitude = scaled < 0 ? -scaled : scaled;
    return (scaled < 0 ? QStringLiteral("-") : QString()) + QString::number(magnitude / factor)
        + QLatin1Char('.')
        + QString::number(magnitude % factor).rightJustified(places, QLatin1Char('0'));
}

qint64 roundTo100(qint64 value)
{
    return (value + 50) / 100 * 100;
}

QString money(qint64 dollars)
{
    return decimalText(dollars * 100, 2);
}

QString dateText(const QDate &date)
{
    return date.toString(Qt::ISODate);
}

} // namespace

// Unique by construction for up to 9,000 blocks of 250 lots (2.25M parcels): 37 is coprime
// to 9,000.
QString PacsParcelBuilder::parcelNumber(int index)
{
    const int block = index / 250;
    const int lot = index % 250 + 1;
    return QStringLiteral("%1-%2-%3-%4-000")
        .arg(1 + block % 3)
        .arg(1000 + (block * 37) % 9000)
        .arg(100 * (1 + block % 4))
        .arg(lot, 4, 10, QLatin1Char('0'));
}

PacsParcelBuilder::PacsParcelBuilder(PacsRowSink &writer, DemoRandom &random,
                                     DemoSummary &summary)
    : m_writer(writer)
    , m_random(random)
    , m_summary(summary)
{ }

QString PacsParcelBuilder::guid()
{
    QByteArray bytes = m_random.bytes(16);
    bytes[6] = char((bytes.at(6) & 0x0F) | 0x40); // version 4, as NEWID() makes them
    bytes[8] = char((bytes.at(8) & 0x3F) | 0x80);
    // SQL Server prints a uniqueidentifier upper-case; legacy exports keep the braces.
    return QUuid::fromRfc4122(bytes).toString(QUuid::WithBraces).toUpper();
}

QString PacsParcelBuilder::lastModified()
{
    const QDateTime at = kLatestChange.addSecs(-m_random.between(0, 5 * 365 * 86400))
                             .addMSecs(-m_random.between(0, 999));
    return at.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

QString PacsParcelBuilder::address()
{
    QString text = QString::number(m_random.between(100, 9999));
    const QString &direction = m_random.pick(streetDirections());
    if (!direction.isEmpty())
        text += QLatin1Char(' ') + direction;
    // One draw per statement: the operands of + are evaluated in no fixed order.
    const QString &street = m_random.pick(streetNames());
    const QString &suffix = m_random.pick(streetSuffixes());
    return text + QLatin1Char(' ') + street + QLatin1Char(' ') + suffix;
}

QString PacsParcelBuilder::legalDescription(LandUse use, int index)
{
    static const QStringList quarters { QStringLiteral("NE"), QStringLiteral("NW"),
                                        QStringLiteral("SE"), QStringLiteral("SW") };
    if (use == LandUse::Rural || (use == LandUse::Vacant && m_random.percent(50)))
        return QStringLiteral("SEC %1 TWP %2N RGE %3E %4 1/4 OF %5 1/4")
            .arg(m_random.between(1, 36))
            .arg(m_random.between(7, 10))
            .arg(m_random.between(24, 30))
            .arg(m_random.pick(quarters))
            .arg(m_random.pick(quarters));
    if (m_random.percent(10))
        return QStringLiteral("SHORT PLAT %1-%2 LOT %3")
            .arg(m_random.between(1978, 2023))
            .arg(m_random.between(1, 60))
            .arg(m_random.between(1, 4));
    QString text = QStringLiteral("LOT %1 BLOCK %2 %3")
                       .arg(index % 40 + 1)
                       .arg(m_random.between(1, 12))
                       .arg(m_random.pick(subdivisions()));
    if (m_random.percent(40))
        text += QStringLiteral(" PHASE %1").arg(m_random.between(1, 6));
    return text;
}

QList<PacsParcelBuilder::StructurePlan> PacsParcelBuilder::structures(LandUse use, int yearBuilt)
{
    static const int bathQuarters[] = { 4, 6, 7, 8, 9, 10, 12, 14 }; // 1.00 .. 3.50
    const auto dwelling = [&](int manufacturedPercent) {
        StructurePlan plan;
        const bool manufactured = m_random.percent(manufacturedPercent);
        plan.type = manufactured ? QStringLiteral("Manufactured Home")
                                 : QStringLiteral("Single Family Residence");
        plan.squareFeet = manufactured ? m_random.between(900, 2000) : m_random.between(900, 3800);
        plan.yearBuilt = yearBuilt;
        plan.bedrooms = qBound(1, plan.squareFeet / 650 + m_random.between(0, 1), 6);
        plan.bathroomsQuarter
            = bathQuarters[qBound(0, (plan.squareFeet - 900) / 450 + m_random.between(-1, 1), 7)];
        return plan;
    };
    const auto outbuilding = [&](const QString &type, int smallest, int largest) {
        StructurePlan plan;
        plan.type = type;
        plan.squareFeet = m_random.between(smallest, largest);
        plan.yearBuilt = m_random.between(yearBuilt, kLatestRoll - 1);
        return plan;
    };
    static const QStringList commercial { QStringLiteral("Retail"), QStringLiteral("Office"),
                                          QStringLiteral("Warehouse"), QStringLiteral("Restaurant"),
                                          QStringLiteral("Mini Storage") };
    QList<StructurePlan> list;
    switch (use) {
    case LandUse::Residential:
        list.append(dwelling(10));
        if (m_random.percent(30))
            list.append(m_random.percent(60)
                            ? outbuilding(QStringLiteral("Detached Garage"), 400, 900)
                            : outbuilding(QStringLiteral("Shop"), 600, 2400));
        if (m_random.permille(30)) {
            StructurePlan unit = outbuilding(QStringLiteral("Accessory Dwelling Unit"), 400, 900);
            unit.bedrooms = 1;
            unit.bathroomsQuarter = 4;
            list.append(unit);
        }
        break;
    case LandUse::Rural:
        list.append(dwelling(25));
        if (m_random.percent(60))
            list.append(outbuilding(QStringLiteral("Pole Building"), 1200, 5000));
        if (m_random.percent(20))
            list.append(outbuilding(QStringLiteral("Barn"), 1500, 6000));
        break;
    case LandUse::Commercial:
        list.append(outbuilding(m_random.pick(commercial), 2000, 40000));
        list.first().yearBuilt = yearBuilt;
        if (m_random.percent(15))
            list.append(outbuilding(m_random.pick(commercial), 1000, 10000));
        break;
    case LandUse::Vacant:
        break;
    }
    return list;
}

void PacsParcelBuilder::addParcel(int index, const Breakage *breakage)
{
    LandUse use = LandUse(m_random.weighted({ 75, 10, 7, 8 }));
    if (breakage && breakage->table == PacsTable::Structure && use == LandUse::Vacant)
        use = LandUse::Residential; // the row to break must exist

    const QString propertyId = guid();
    static const QList<int> cityWeights = [] {
        QList<int> weights;
        for (const City &city : cities())
            weights.append(city.weight);
        return weights;
    }();
    const City &city = cities().at(m_random.weighted(cityWeights));
    QString zipCode = m_random.pick(city.zipCodes);
    if (m_random.percent(15))
        zipCode += QLatin1Char('-') + QString::number(m_random.between(1000, 9999));

    int acreage = 0; // ten-thousandths of an acre
    int yearBuilt = 0;
    switch (use) {
    case LandUse::Residential:
        acreage = m_random.between(1200, 4500);
        yearBuilt = m_random.weighted({ 15, 35, 50 }) == 0
            ? m_random.between(1940, 1969)
            : m_random.between(1970, kLatestRoll - 1);
        break;
    case LandUse::Rural:
        acreage = m_random.between(10000, 800000);
        yearBuilt = m_random.between(1950, 2020);
        break;
    case LandUse::Commercial:
        acreage = m_random.between(5000, 100000);
        yearBuilt = m_random.between(1960, kLatestRoll - 2);
        break;
    case LandUse::Vacant:
        acreage = m_random.between(2000, 200000);
        break;
    }

    QVariantList property { propertyId,
                            parcelNumber(index),
                            address(),
                            city.name,
                            QStringLiteral("WA"),
                            zipCode,
                            legalDescription(use, index),
                            decimalText(acreage, 4),
                            yearBuilt > 0 ? QVariant(qint64(yearBuilt)) : QVariant(),
                            qint64(m_random.permille(970) ? 1 : 0),
                            lastModified() };
    bool pending = true;
    write(PacsTable::Property, property, breakage, &pending);
    if (breakage && breakage->table == PacsTable::Property)
        return;

    const QList<StructurePlan> buildings = structures(use, yearBuilt);
    writeOwners(propertyId, use, breakage);
    writeValues(propertyId, use, acreage, buildings, breakage);
    writeStructures(propertyId, buildings, breakage);
}

void PacsParcelBuilder::writeOwners(const QString &propertyId, LandUse use,
                                    const Breakage *breakage)
{
    struct OwnerPlan
    {
        QString name;
        QString type;
    };
    const auto person = [&](const QString &lastName) -> QString { // not a QStringBuilder of locals
        const QString &first = m_random.pick(firstNames());
        const QChar initial = QLatin1Char(char('A' + m_random.between(0, 25)));
        return lastName + QStringLiteral(", ") + first + QLatin1Char(' ') + initial;
    };
    const auto business = [&]() {
        static const QStringList suffixes { QStringLiteral("LLC"), QStringLiteral("INC"),
                                            QStringLiteral("LP") };
        const int kind = m_random.weighted({ 55, 35, 10 });
        const QString &word = m_random.pick(businessWords());
        const QString &activity = m_random.pick(businessKinds());
        return OwnerPlan { word + QLatin1Char(' ') + activity + QLatin1Char(' ')
                               + suffixes.at(kind),
                           ownerTypes().at(kind == 0       ? 3
                                               : kind == 1 ? 4
                                                           : 5) };
    };

    QList<OwnerPlan> owners;
    if (use == LandUse::Commercial) {
        owners.append(business());
        if (m_random.percent(10))
            owners.append(business());
    } else if (use == LandUse::Vacant && m_random.percent(25)) {
        owners.append(
            OwnerPlan { m_random.pick(governmentOwners()), QStringLiteral("Government") });
    } else if (m_random.percent(6)) {
        owners.append(OwnerPlan { m_random.pick(lastNames()) + QStringLiteral(" FAMILY TRUST"),
                                  QStringLiteral("Trust") });
    } else if (m_random.permille(15)) {
        const QString &first = m_random.pick(firstNames());
        const QString &last = m_random.pick(lastNames());
        owners.append(OwnerPlan { QStringLiteral("ESTATE OF ") + first + QLatin1Char(' ') + last,
                                  QStringLiteral("Estate") });
    } else {
        const int count = 1 + m_random.weighted({ 45, 50, 5 });
        const QString family = m_random.pick(lastNames());
        for (int i = 0; i < count; ++i)
            owners.append(OwnerPlan {
                person(i == 0 || m_random.percent(70) ? family : m_random.pick(lastNames())),
                QStringLiteral("Individual") });
    }

    const QDate start = kFirstStartDate.addDays(m_random.between(0, 50 * 365 - 200));
    const Breakage *change = breakage && !breakage->orphan ? breakage : nullptr;
    bool pending = true;
    const auto writeOwner
        = [&](const QString &property, const OwnerPlan &owner, int shareHundredths,
              const QDate &from, const QDate &until, const Breakage *applied) {
              write(PacsTable::Owner,
                    { m_nextOwnerId++, property, owner.name, owner.type,
                      decimalText(shareHundredths, 2), dateText(from),
                      until.isValid() ? QVariant(dateText(until)) : QVariant(), lastModified() },
                    applied, &pending);
          };

    // An earlier owner, ended the day before the current ones took over.
    if (start.year() > 1980 && m_random.percent(8)) {
        const QDate earlier = start.addDays(-m_random.between(3 * 365, 25 * 365));
        writeOwner(propertyId,
                   OwnerPlan { person(m_random.pick(lastNames())), QStringLiteral("Individual") },
                   10000, earlier, start.addDays(-1), change);
    }
    const int share = 10000 / int(owners.size());
    for (int i = 0; i < owners.size(); ++i) {
        // The last share takes the rounding remainder: 33.33 + 33.33 + 33.34.
        const int mine = i + 1 < owners.size() ? share : 10000 - share * (int(owners.size()) - 1);
        writeOwner(propertyId, owners.at(i), mine, start, QDate(), change);
    }
    if (breakage && breakage->orphan && breakage->table == PacsTable::Owner) {
        const QString missingProperty = guid();
        const OwnerPlan orphan { person(m_random.pick(lastNames())), QStringLiteral("Individual") };
        writeOwner(missingProperty, orphan, 10000, start, QDate(), breakage);
    }
}

void PacsParcelBuilder::writeValues(const QString &propertyId, LandUse use, int acreage,
                                    const QList<StructurePlan> &buildings, const Breakage *breakage)
{
    qint64 land = 0;
    switch (use) {
    case LandUse::Residential:
        land = m_random.between(45, 140) * 1000;
        break;
    case LandUse::Rural:
        land = 40000 + qint64(acreage) * m_random.between(3000, 9000) / 10000;
        break;
    case LandUse::Commercial:
        land = m_random.between(150, 1500) * 1000;
        break;
    case LandUse::Vacant:
        land = m_random.between(20, 300) * 1000;
        break;
    }
    qint64 improvement = 0;
    for (const StructurePlan &building : buildings) {
        const int rate = building.bedrooms > 0 ? m_random.between(110, 230)
            : use == LandUse::Commercial       ? m_random.between(80, 200)
                                               : m_random.between(25, 60);
        improvement += qint64(building.squareFeet) * rate;
    }
    const int growth = m_random.between(4, 9); // percent a year
    const bool seniorExemption = use == LandUse::Residential && m_random.percent(3);
    const int firstYear = m_random.percent(17) ? kLatestRoll - 5 : kLatestRoll - 4;

    // Newest roll first, discounting backwards; written oldest first.
    QList<QVariantList> rows;
    for (int year = kLatestRoll; year >= firstYear; --year) {
        const qint64 landValue = roundTo100(land);
        const qint64 improvementValue = roundTo100(improvement);
        const qint64 market = landValue + improvementValue;
        const qint64 assessed = seniorExemption ? roundTo100(market * 60 / 100) : market;
        rows.prepend({ qint64(year), money(assessed), money(market), money(landValue),
                       money(improvementValue) });
        land = land * 100 / (100 + growth);
        improvement = improvement * 100 / (100 + growth);
    }
    bool pending = true;
    for (const QVariantList &values : rows)
        write(PacsTable::PropertyValue,
              QVariantList { m_nextValueId++, propertyId } + values
                  + QVariantList { lastModified() },
              breakage, &pending);
}

void PacsParcelBuilder::writeStructures(const QString &propertyId,
                                        const QList<StructurePlan> &buildings,
                                        const Breakage *breakage)
{
    bool pending = true;
    for (const StructurePlan &building : buildings) {
        const int age = kLatestRoll - building.yearBuilt;
        const QList<int> weights = age < 10 ? QList<int> { 30, 50, 18, 2, 0 }
            : age < 40                      ? QList<int> { 5, 35, 45, 12, 3 }
                                            : QList<int> { 2, 15, 45, 28, 10 };
        write(PacsTable::Structure,
              { m_nextStructureId++, propertyId, building.type, qint64(building.squareFeet),
                conditions().at(m_random.weighted(weights)), qint64(building.yearBuilt),
                building.bedrooms > 0 ? QVariant(qint64(building.bedrooms)) : QVariant(),
                building.bedrooms > 0 ? QVariant(decimalText(building.bathroomsQuarter * 25, 2))
                                      : QVariant(),
                lastModified() },
              breakage, &pending);
    }
}

void PacsParcelBuilder::write(PacsTable table, QVariantList row, const Breakage *breakage,
                              bool *pending)
{
    if (breakage && breakage->table == table && *pending) {
        *pending = false;
        const int column = PacsDemoWriter::columnIndex(table, breakage->column);
        if (!breakage->orphan)
            row[column] = breakage->value;
        const QVariant &value = row.at(column);
        m_summary.brokenRows.append(DemoSummary::BrokenRow {
            PacsDemoWriter::tableName(table), PacsDemoWriter::keyColumn(table),
            row.first().toString(), breakage->column,
            value.isNull() ? QStringLiteral("NULL") : value.toString(), breakage->targetField,
            breakage->rule, breakage->reason });
    }
    m_writer.insert(table, row);
    m_summary.rowCounts[PacsDemoWriter::tableName(table)] += 1;
}

} // namespace tf::sync::demo
