// The PostgreSQL read path alone, on one table: the query path (QSqlQuery single-row mode ->
// valueFromText, what PgReader did before session 7), COPY TO STDOUT parsed on the calling
// thread (copyRows), and PgReader::readAll (COPY on its own thread, two batches ahead). Each
// runs with an empty sink and with a sink doing the engine's usual per-row CPU work (rowHash
// and COPY input text of every value), so the overlap shows. Prints wall and process CPU time.
//
//   tf-readbench <postgresql://url> [table] [batch-size]
#include "db/connection.h"
#include "sync/connectors/pgcopyforms.h"
#include "sync/connectors/pgcopyread.h"
#include "sync/connectors/postgrescatalog.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/connectors/postgresranges.h"
#include "sync/connectors/postgrestypes.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlQuery>
#include <cstdio>
#include <sys/resource.h>

using namespace tf::sync;

namespace {

double cpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// What the engine does per row besides reading: hash it and format it for COPY.
qint64 work(const RowBatch &batch)
{
    QByteArray copy;
    qint64 bytes = 0;
    for (const Row &row : batch.rows) {
        bytes += rowHash(row, *batch.schema).size();
        for (int i = 0; i < batch.schema->size(); ++i)
            pg::appendCopyField(copy, row.at(i), batch.schema->at(i).type, batch.schema->at(i).name);
        bytes += copy.size();
        copy.resize(0);
    }
    return bytes;
}

void measure(const char *name, const std::function<qint64(const BatchSink &)> &read, bool withWork)
{
    qint64 rows = 0;
    qint64 checksum = 0;
    const double cpu0 = cpuSeconds();
    QElapsedTimer timer;
    timer.start();
    read([&](const RowBatch &batch) {
        rows += batch.rows.size();
        if (withWork)
            checksum += work(batch);
        return true;
    });
    const double wall = double(timer.nsecsElapsed()) / 1e9;
    const double cpu = cpuSeconds() - cpu0;
    std::printf("%-34s %-10s %8lld rows  wall %6.2f s  cpu %6.2f s  (cpu/wall %.2f)\n", name,
                withWork ? "+ work" : "read only", static_cast<long long>(rows), wall, cpu, cpu / wall);
    std::fflush(stdout);
    (void)checksum;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: tf-readbench <postgresql://url> [table] [batch-size]\n");
        return 2;
    }
    const QString url = QString::fromLocal8Bit(argv[1]);
    const QString table = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QStringLiteral("t");
    const int batchSize = argc > 3 ? QByteArray(argv[3]).toInt() : 5000;
    const tf::db::Database database(tf::db::DatabaseUrl::parse(url));
    pg::PgCatalog catalog(database, QStringLiteral("public"));
    const pg::Selection selection = pg::selectionFor(catalog, ReadRequest { table, {}, {}, batchSize });
    const QString sql = QStringLiteral("SELECT %1 FROM %2 AS t%3")
                            .arg(pg::textList(selection.columns), selection.table.qualifiedName(),
                                 pg::orderBy(selection.keys));
    PostgresConnector connector(SystemSettings { QStringLiteral("postgres"),
                                                 { { QStringLiteral("url"), url } }, {} });

    const auto queryPath = [&](const BatchSink &sink) {
        pg::Batcher batcher(selection.schema, batchSize, sink);
        pg::stream(database, sql, {}, QStringLiteral("reading"), [&](const QSqlQuery &query) {
            return pg::readRow(query, selection, batcher);
        });
        batcher.flush();
        return qint64(0);
    };
    const QString copySql = QStringLiteral("SELECT %1 FROM %2 AS t%3")
                                .arg(pg::copyList(selection.columns), selection.table.qualifiedName(),
                                     pg::orderBy(selection.keys));
    const auto copyPath = [&](const BatchSink &sink) {
        pg::Batcher batcher(selection.schema, batchSize, sink);
        pg::copyRows(database, selection, {}, [&](const QStringList &) { return copySql; },
                     QStringLiteral("reading"), [&](Row &&row, QByteArray &&) { return batcher.add(std::move(row)); });
        batcher.flush();
        return qint64(0);
    };
    const auto prefetched = [&](const BatchSink &sink) {
        connector.readAll(ReadRequest { table, {}, {}, batchSize }, sink);
        return qint64(0);
    };
    // The source hash with the rows: sent by the server (sourceHashExpression), or computed
    // here from the fields (PgTypedRowHasher). Client CPU only; the server's shows in its own.
    const auto hashedPath = [&](pg::SourceHash hash) {
        return [&, hash](const BatchSink &sink) {
            pg::Batcher batcher(selection.schema, batchSize, sink);
            const QString sql = hash == pg::SourceHash::Selected
                ? QStringLiteral("SELECT %1, %2 FROM %3 AS t%4")
                      .arg(pg::copyList(selection.columns), pg::sourceHashExpression(selection.columns, true),
                           selection.table.qualifiedName(), pg::orderBy(selection.keys))
                : copySql;
            pg::copyRows(database, selection, {}, [&](const QStringList &) { return sql; },
                         QStringLiteral("reading"),
                         [&](Row &&row, QByteArray &&rowHash) { return batcher.add(std::move(row), rowHash); },
                         hash);
            batcher.flush();
            return qint64(0);
        };
    };
    measure("COPY + hash sent by the server", hashedPath(pg::SourceHash::Selected), false);
    measure("COPY + hash computed here", hashedPath(pg::SourceHash::Computed), false);
    for (const bool withWork : { false, true }) {
        measure("query path (before)", queryPath, withWork);
        measure("COPY, same thread", copyPath, withWork);
        measure("COPY, prefetching thread (now)", prefetched, withWork);
    }
    return 0;
}
