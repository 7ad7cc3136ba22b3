#include "pacsdemowriter.h"

#include "core/errors.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QUuid>

namespace tf::sync::demo {

namespace {

const char *const kSchema[] = {
    "CREATE TABLE Property ("
    " PropertyID UNIQUEIDENTIFIER NOT NULL PRIMARY KEY,"
    " ParcelNumber VARCHAR(32) NOT NULL,"
    " Address VARCHAR(120),"
    " City VARCHAR(60),"
    " State CHAR(2),"
    " ZipCode VARCHAR(10),"
    " LegalDescription VARCHAR(400),"
    " Acreage DECIMAL(10,4),"
    " YearBuilt INT,"
    " IsActive BIT NOT NULL DEFAULT 1,"
    " LastModified DATETIME NOT NULL)",
    "CREATE TABLE Owner ("
    " OwnerID INT NOT NULL PRIMARY KEY,"
    " PropertyID UNIQUEIDENTIFIER NOT NULL,"
    " OwnerName VARCHAR(200),"
    " OwnerType VARCHAR(20),"
    " OwnershipPercentage DECIMAL(5,2),"
    " StartDate DATE,"
    " EndDate DATE,"
    " LastModified DATETIME NOT NULL)",
    "CREATE TABLE PropertyValue ("
    " ValueID INT NOT NULL PRIMARY KEY,"
    " PropertyID UNIQUEIDENTIFIER NOT NULL,"
    " TaxYear INT NOT NULL,"
    " AssessedValue DECIMAL(14,2),"
    " MarketValue DECIMAL(14,2),"
    " LandValue DECIMAL(14,2),"
    " ImprovementValue DECIMAL(14,2),"
    " LastModified DATETIME NOT NULL)",
    "CREATE TABLE Structure ("
    " StructureID INT NOT NULL PRIMARY KEY,"
    " PropertyID UNIQUEIDENTIFIER NOT NULL,"
    " StructureType VARCHAR(40),"
    " SquareFootage INT,"
    " Condition VARCHAR(20),"
    " YearBuilt INT,"
    " Bedrooms INT,"
    " Bathrooms DECIMAL(4,2),"
    " LastModified DATETIME NOT NULL)",
    // What a sync reads by: children by property, cursor mode by LastModified.
    "CREATE INDEX IX_Owner_PropertyID ON Owner (PropertyID)",
    "CREATE INDEX IX_PropertyValue_PropertyID ON PropertyValue (PropertyID, TaxYear)",
    "CREATE INDEX IX_Structure_PropertyID ON Structure (PropertyID)",
    "CREATE INDEX IX_Property_LastModified ON Property (LastModified, PropertyID)",
    "CREATE INDEX IX_Owner_LastModified ON Owner (LastModified, OwnerID)",
    "CREATE INDEX IX_PropertyValue_LastModified ON PropertyValue (LastModified, ValueID)",
    "CREATE INDEX IX_Structure_LastModified ON Structure (LastModified, StructureID)",
};

[[noreturn]] void fail(const QString &what, const QSqlError &error)
{
    throw Error(Error::Kind::Internal,
                QStringLiteral("demo database: %1: %2").arg(what, error.text()));
}

} // namespace

PacsDemoWriter::PacsDemoWriter(const QString &path)
    : m_connectionName(QStringLiteral("tf-demo-")
                       + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    db.setDatabaseName(path);
    if (!db.open())
        throw Error(
            Error::Kind::Validation,
            QStringLiteral("cannot create demo database %1: %2").arg(path, db.lastError().text()));
    // A scratch file renamed into place when complete: no journal needed, nothing to recover.
    exec(QStringLiteral("PRAGMA journal_mode = OFF"));
    exec(QStringLiteral("PRAGMA synchronous = OFF"));
    for (const char *statement : kSchema)
        exec(QString::fromLatin1(statement));
    if (!db.transaction())
        fail(QStringLiteral("BEGIN"), db.lastError());
    for (const PacsTable table : { PacsTable::Property, PacsTable::Owner, PacsTable::PropertyValue,
                                   PacsTable::Structure }) {
        const QStringList &names = columns(table);
        QStringList marks;
        for (int i = 0; i < names.size(); ++i)
            marks.append(QStringLiteral("?"));
        QSqlQuery &query = m_inserts[size_t(table)];
        query = QSqlQuery(db);
        // Table and column names are the fixed lists above, never input.
        if (!query.prepare(QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
                               .arg(tableName(table), names.join(QStringLiteral(", ")),
                                    marks.join(QStringLiteral(", ")))))
            fail(QStringLiteral("preparing the insert into ") + tableName(table),
                 query.lastError());
    }
}

PacsDemoWriter::~PacsDemoWriter()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        for (QSqlQuery &query : m_inserts)
            query = QSqlQuery();
        if (!m_committed && db.isOpen())
            db.rollback();
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

QString PacsDemoWriter::tableName(PacsTable table)
{
    switch (table) {
    case PacsTable::Property:
        return QStringLiteral("Property");
    case PacsTable::Owner:
        return QStringLiteral("Owner");
    case PacsTable::PropertyValue:
        return QStringLiteral("PropertyValue");
    case PacsTable::Structure:
        return QStringLiteral("Structure");
    }
    return {};
}

const QStringList &PacsDemoWriter::columns(PacsTable table)
{
    static const std::array<QStringList, 4> lists {
        QStringList { QStringLiteral("PropertyID"), QStringLiteral("ParcelNumber"),
                      QStringLiteral("Address"), QStringLiteral("City"), QStringLiteral("State"),
                      QStringLiteral("ZipCode"), QStringLiteral("LegalDescription"),
                      QStringLiteral("Acreage"), QStringLiteral("YearBuilt"),
                      QStringLiteral("IsActive"), QStringLiteral("LastModified") },
        QStringList { QStringLiteral("OwnerID"), QStringLiteral("PropertyID"),
                      QStringLiteral("OwnerName"), QStringLiteral("OwnerType"),
                      QStringLiteral("OwnershipPercentage"), QStringLiteral("StartDate"),
                      QStringLiteral("EndDate"), QStringLiteral("LastModified") },
        QStringList { QStringLiteral("ValueID"), QStringLiteral("PropertyID"),
                      QStringLiteral("TaxYear"), QStringLiteral("AssessedValue"),
                      QStringLiteral("MarketValue"), QStringLiteral("LandValue"),
                      QStringLiteral("ImprovementValue"), QStringLiteral("LastModified") },
        QStringList { QStringLiteral("StructureID"), QStringLiteral("PropertyID"),
                      QStringLiteral("StructureType"), QStringLiteral("SquareFootage"),
                      QStringLiteral("Condition"), QStringLiteral("YearBuilt"),
                      QStringLiteral("Bedrooms"), QStringLiteral("Bathrooms"),
                      QStringLiteral("LastModified") },
    };
    return lists.at(size_t(table));
}

int PacsDemoWriter::columnIndex(PacsTable table, const QString &column)
{
    return int(columns(table).indexOf(column));
}

void PacsDemoWriter::insert(PacsTable table, const QVariantList &values)
{
    QSqlQuery &query = m_inserts[size_t(table)];
    for (int i = 0; i < values.size(); ++i)
        query.bindValue(i, values.at(i));
    if (!query.exec())
        fail(QStringLiteral("inserting into ") + tableName(table), query.lastError());
}

void PacsDemoWriter::commit()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.commit())
        fail(QStringLiteral("COMMIT"), db.lastError());
    m_committed = true;
}

void PacsDemoWriter::exec(const QString &sql)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(sql))
        fail(sql.section(QLatin1Char('('), 0, 0).trimmed(), query.lastError());
}

} // namespace tf::sync::demo
