#include "pacsdemopgwriter.h"

#include "pacsdemowriter.h"
#include "sync/connectors/postgressession.h"
#include "sync/connectors/postgrestypes.h"

namespace tf::sync::demo {

namespace {

// PacsDemoWriter's schema in PostgreSQL's types, names quoted so they keep their case.
const char *const kSchema[] = {
    "CREATE TABLE \"Property\" ("
    " \"PropertyID\" uuid NOT NULL PRIMARY KEY,"
    " \"ParcelNumber\" varchar(32) NOT NULL,"
    " \"Address\" varchar(120),"
    " \"City\" varchar(60),"
    " \"State\" char(2),"
    " \"ZipCode\" varchar(10),"
    " \"LegalDescription\" varchar(400),"
    " \"Acreage\" numeric(10,4),"
    " \"YearBuilt\" integer,"
    " \"IsActive\" boolean NOT NULL DEFAULT true,"
    " \"LastModified\" timestamp(3) NOT NULL)",
    "CREATE TABLE \"Owner\" ("
    " \"OwnerID\" integer NOT NULL PRIMARY KEY,"
    " \"PropertyID\" uuid NOT NULL,"
    " \"OwnerName\" varchar(200),"
    " \"OwnerType\" varchar(20),"
    " \"OwnershipPercentage\" numeric(5,2),"
    " \"StartDate\" date,"
    " \"EndDate\" date,"
    " \"LastModified\" timestamp(3) NOT NULL)",
    "CREATE TABLE \"PropertyValue\" ("
    " \"ValueID\" integer NOT NULL PRIMARY KEY,"
    " \"PropertyID\" uuid NOT NULL,"
    " \"TaxYear\" integer NOT NULL,"
    " \"AssessedValue\" numeric(14,2),"
    " \"MarketValue\" numeric(14,2),"
    " \"LandValue\" numeric(14,2),"
    " \"ImprovementValue\" numeric(14,2),"
    " \"LastModified\" timestamp(3) NOT NULL)",
    "CREATE TABLE \"Structure\" ("
    " \"StructureID\" integer NOT NULL PRIMARY KEY,"
    " \"PropertyID\" uuid NOT NULL,"
    " \"StructureType\" varchar(40),"
    " \"SquareFootage\" integer,"
    " \"Condition\" varchar(20),"
    " \"YearBuilt\" integer,"
    " \"Bedrooms\" integer,"
    " \"Bathrooms\" numeric(4,2),"
    " \"LastModified\" timestamp(3) NOT NULL)",
    "CREATE INDEX \"IX_Owner_PropertyID\" ON \"Owner\" (\"PropertyID\")",
    "CREATE INDEX \"IX_PropertyValue_PropertyID\" ON \"PropertyValue\" (\"PropertyID\", \"TaxYear\")",
    "CREATE INDEX \"IX_Structure_PropertyID\" ON \"Structure\" (\"PropertyID\")",
    "CREATE INDEX \"IX_Property_LastModified\" ON \"Property\" (\"LastModified\", \"PropertyID\")",
    "CREATE INDEX \"IX_Owner_LastModified\" ON \"Owner\" (\"LastModified\", \"OwnerID\")",
    "CREATE INDEX \"IX_PropertyValue_LastModified\" ON \"PropertyValue\" (\"LastModified\", \"ValueID\")",
    "CREATE INDEX \"IX_Structure_LastModified\" ON \"Structure\" (\"LastModified\", \"StructureID\")",
};

constexpr PacsTable kTables[] = { PacsTable::Property, PacsTable::Owner, PacsTable::PropertyValue,
                                  PacsTable::Structure };

QByteArray quoted(const QString &name)
{
    return '"' + name.toUtf8() + '"'; // the fixed names of PacsDemoWriter::columns(), never input
}

} // namespace

PacsDemoPgWriter::PacsDemoPgWriter(const db::Database &database)
    : m_session(std::make_unique<pg::PgSession>(database))
{
    m_transaction = std::make_unique<pg::PgTransaction>(*m_session);
    for (const char *statement : kSchema)
        m_session->exec(statement, QStringLiteral("creating the PACS demo tables"));
}

PacsDemoPgWriter::~PacsDemoPgWriter()
{
    m_transaction.reset(); // rolls back unless committed, before the session goes
}

void PacsDemoPgWriter::insert(PacsTable table, const QVariantList &values)
{
    QByteArray row;
    for (int i = 0; i < values.size(); ++i) {
        if (i > 0)
            row += '\t';
        const QVariant &value = values.at(i);
        if (value.isNull())
            row += "\\N";
        else
            pg::appendCopyText(row, value.toString().toUtf8());
    }
    QList<QByteArray> &pending = m_pending[size_t(table)];
    pending.append(row);
    if (pending.size() >= kChunkRows)
        flush(table);
}

void PacsDemoPgWriter::flush(PacsTable table)
{
    QList<QByteArray> &pending = m_pending[size_t(table)];
    if (pending.isEmpty())
        return;
    QByteArrayList columns;
    for (const QString &column : PacsDemoWriter::columns(table))
        columns.append(quoted(column));
    const QString name = PacsDemoWriter::tableName(table);
    pg::PgCopyIn copy(*m_session,
                      "COPY " + quoted(name) + " (" + columns.join(", ") + ") FROM STDIN",
                      QStringLiteral("writing the PACS demo table ") + name);
    for (const QByteArray &row : pending) {
        copy.buffer() += row;
        copy.endRow();
    }
    copy.finish();
    pending.clear();
}

void PacsDemoPgWriter::commit()
{
    for (const PacsTable table : kTables)
        flush(table);
    m_transaction->commit();
}

} // namespace tf::sync::demo
