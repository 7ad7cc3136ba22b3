#pragma once

#include "pacsrowsink.h"

#include <QByteArray>
#include <QList>
#include <array>
#include <memory>

namespace tf::db {
class Database;
}
namespace tf::sync::pg {
class PgSession;
class PgTransaction;
}

namespace tf::sync::demo {

// The PACS demo tables in a PostgreSQL database (for a `cdc` demo: logical replication needs
// a PostgreSQL source). The same tables, columns and values as PacsDemoWriter writes to
// SQLite, in PostgreSQL's types: names quoted as SQL Server shows them ("Property",
// "PropertyID"), UNIQUEIDENTIFIER as uuid, BIT as boolean, DATETIME as timestamp(3), DECIMAL
// as numeric; primary keys (the default replica identity), no foreign keys. Everything in one
// transaction: the tables are created (an existing table of that name is an error, nothing
// is dropped) and the rows sent by COPY in chunks of kChunkRows per table, values escaped as
// COPY text (never pasted into SQL), so memory does not grow with the county.
class PacsDemoPgWriter final : public PacsRowSink
{
    Q_DISABLE_COPY_MOVE(PacsDemoPgWriter)
public:
    static constexpr int kChunkRows = 5000;

    // Opens the transaction and creates the tables; throws tf::Error on failure.
    explicit PacsDemoPgWriter(const db::Database &database);
    ~PacsDemoPgWriter() override; // rolls back unless committed

    void insert(PacsTable table, const QVariantList &values) override;
    void commit();

private:
    void flush(PacsTable table);

    std::unique_ptr<pg::PgSession> m_session;
    std::unique_ptr<pg::PgTransaction> m_transaction;
    std::array<QList<QByteArray>, 4> m_pending; // COPY text rows not sent yet, per table
};

} // namespace tf::sync::demo
