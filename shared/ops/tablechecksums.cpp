#include "tablechecksums.h"

#include "core/errors.h"
#include "db/connection.h"
#include "db/databaseurl.h"

#include <QCryptographicHash>
#include <QJsonValue>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QtEndian>

namespace tf::ops {

namespace {

// Sum of the rows' SHA-256 digests (first 16 bytes, as two 64-bit numbers modulo 2^64): the
// same for the same multiset of rows, whatever order they come in, without sorting.
class RowSum
{
public:
    void add(const QByteArray &row)
    {
        const QByteArray digest = QCryptographicHash::hash(row, QCryptographicHash::Sha256);
        m_high += qFromLittleEndian<quint64>(digest.constData());
        m_low += qFromLittleEndian<quint64>(digest.constData() + 8);
        ++m_rows;
    }
    TableChecksum result() const
    {
        return { m_rows,
                 QStringLiteral("%1%2")
                     .arg(m_high, 16, 16, QLatin1Char('0'))
                     .arg(m_low, 16, 16, QLatin1Char('0')) };
    }

private:
    quint64 m_high = 0;
    quint64 m_low = 0;
    qint64 m_rows = 0;
};

// One SQLite value with its storage class, so 1, 1.0, '1' and x'31' differ.
void appendSqliteValue(QByteArray &row, const QVariant &value)
{
    if (value.isNull()) {
        row += 'N';
    } else {
        switch (value.metaType().id()) {
        case QMetaType::LongLong:
        case QMetaType::Int:
        case QMetaType::ULongLong:
        case QMetaType::UInt:
            row += 'I' + QByteArray::number(value.toLongLong());
            break;
        case QMetaType::Double:
            row += 'R' + QByteArray::number(value.toDouble(), 'g', 17);
            break;
        case QMetaType::QByteArray:
            row += 'B' + value.toByteArray().toHex();
            break;
        default:
            row += 'T' + value.toString().toUtf8();
            break;
        }
    }
    row += '\x1f';
}

void execOrThrow(QSqlQuery &query, const QString &sql, const char *what)
{
    if (!query.exec(sql))
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("%1: %2").arg(QLatin1String(what), db::sqlError(query)));
}

} // namespace

QStringList controlTables(const QSqlDatabase &connection, const db::Dialect &dialect)
{
    QSqlQuery query(connection);
    const QString sql = dialect.isPostgres()
        ? QStringLiteral("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' "
                         "ORDER BY tablename")
        : QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                         "'sqlite\\_%' ESCAPE '\\' "
                         "ORDER BY name");
    execOrThrow(query, sql, "listing the tables");
    QStringList tables;
    while (query.next())
        tables << query.value(0).toString();
    return tables;
}

QStringList postgresChecksumSessionSql()
{
    return { QStringLiteral("SET LOCAL TimeZone = 'UTC'"),
             QStringLiteral("SET LOCAL DateStyle = 'ISO, YMD'"),
             QStringLiteral("SET LOCAL IntervalStyle = 'postgres'"),
             QStringLiteral("SET LOCAL extra_float_digits = 3"),
             QStringLiteral("SET LOCAL bytea_output = 'hex'") };
}

QString postgresChecksumSql(const QString &table)
{
    // The sum of the rows' SHA-256 (two 64-bit halves, summed as numeric: no overflow),
    // computed by the server: no row travels to the client.
    const QString quoted = db::Dialect(db::Dialect::Backend::Postgres).quoteIdentifier(table);
    return QStringLiteral(
               "SELECT count(*), coalesce(sum(('x' || substr(h, 1, "
               "16))::bit(64)::bigint::numeric), 0)::text || ':' || "
               "coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint::numeric), 0)::text "
               "FROM (SELECT encode(sha256(convert_to((tf_row.*)::text, 'UTF8')), 'hex') AS h "
               "FROM public.%1 AS tf_row) AS tf_rows")
        .arg(quoted);
}

TableChecksums computeTableChecksums(const QSqlDatabase &connection, const db::Dialect &dialect,
                                     const ProgressFn &progress, double from, double to)
{
    if (dialect.isPostgres()) {
        // Row text depends on these session settings; fix them so every reader sees the same.
        QSqlQuery set(connection);
        for (const QString &statement : postgresChecksumSessionSql())
            execOrThrow(set, statement, "preparing the checksum session");
    }
    const QStringList tables = controlTables(connection, dialect);
    TableChecksums checksums;
    for (qsizetype i = 0; i < tables.size(); ++i) {
        const QString &table = tables.at(i);
        if (progress)
            progress(from + (to - from) * double(i) / double(qMax<qsizetype>(1, tables.size())),
                     QStringLiteral("checksumming table %1 (%2/%3)")
                         .arg(table)
                         .arg(i + 1)
                         .arg(tables.size()));
        QSqlQuery query(connection);
        query.setForwardOnly(true);
        if (dialect.isPostgres()) {
            execOrThrow(query, postgresChecksumSql(table), "checksumming a table");
            if (!query.next())
                throw Error(Error::Kind::Unavailable,
                            QStringLiteral("checksumming table %1: no answer").arg(table));
            checksums.insert(
                table, TableChecksum { query.value(0).toLongLong(), query.value(1).toString() });
            continue;
        }
        // Table names come from the catalogue, quoted; no value is pasted into the SQL.
        execOrThrow(query, QStringLiteral("SELECT * FROM %1").arg(dialect.quoteIdentifier(table)),
                    "reading a table for its checksum");
        RowSum sum;
        const int columns = query.record().count();
        QByteArray row;
        while (query.next()) {
            row.clear();
            for (int c = 0; c < columns; ++c)
                appendSqliteValue(row, query.value(c));
            sum.add(row);
        }
        if (query.lastError().isValid())
            throw Error(Error::Kind::Unavailable,
                        QStringLiteral("reading table %1: %2").arg(table, db::sqlError(query)));
        checksums.insert(table, sum.result());
    }
    if (progress)
        progress(to, QStringLiteral("checksummed %1 tables").arg(tables.size()));
    return checksums;
}

TableChecksums tableChecksums(const QString &databaseUrl, const ProgressFn &progress)
{
    db::Database database(db::DatabaseUrl::parse(databaseUrl));
    const QSqlDatabase connection = database.connection();
    database.execDirect(database.dialect().isPostgres()
                            ? QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                            : QStringLiteral("BEGIN"),
                        "starting the checksum transaction");
    try {
        TableChecksums checksums = computeTableChecksums(connection, database.dialect(), progress);
        database.execDirect(QStringLiteral("COMMIT"), "ending the checksum transaction");
        return checksums;
    } catch (...) {
        QSqlQuery rollback(connection);
        rollback.exec(QStringLiteral("ROLLBACK"));
        throw;
    }
}

QStringList compareTableChecksums(const TableChecksums &expected, const TableChecksums &actual)
{
    QStringList differences;
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        const auto found = actual.constFind(it.key());
        if (found == actual.cend())
            differences << QStringLiteral("%1: missing").arg(it.key());
        else if (found->rows != it->rows)
            differences << QStringLiteral("%1: %2 rows, expected %3")
                               .arg(it.key())
                               .arg(found->rows)
                               .arg(it->rows);
        else if (found->checksum != it->checksum)
            differences << QStringLiteral("%1: same %2 rows but different content")
                               .arg(it.key())
                               .arg(it->rows);
    }
    for (auto it = actual.cbegin(); it != actual.cend(); ++it) {
        if (!expected.contains(it.key()))
            differences << QStringLiteral("%1: not in the backup").arg(it.key());
    }
    return differences;
}

QJsonObject tableChecksumsToJson(const TableChecksums &checksums)
{
    QJsonObject object;
    for (auto it = checksums.cbegin(); it != checksums.cend(); ++it)
        object.insert(it.key(),
                      QJsonObject { { QStringLiteral("rows"), it->rows },
                                    { QStringLiteral("checksum"), it->checksum } });
    return object;
}

TableChecksums tableChecksumsFromJson(const QJsonObject &object)
{
    TableChecksums checksums;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const QJsonObject table = it.value().toObject();
        checksums.insert(it.key(),
                         TableChecksum { table.value(QStringLiteral("rows")).toInteger(-1),
                                         table.value(QStringLiteral("checksum")).toString() });
    }
    return checksums;
}

} // namespace tf::ops
