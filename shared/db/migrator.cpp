#include "migrator.h"

#include "core/errors.h"
#include "core/logging.h"
#include "sqlscript.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QRegularExpression>
#include <algorithm>

// The scripts are compiled into libtfcore, a static library: without an explicit reference the
// linker drops the resource object. Q_INIT_RESOURCE must be used outside any namespace.
static void initMigrationResources()
{
    Q_INIT_RESOURCE(migrations);
}

namespace tf::db {

namespace {

QByteArray readResource(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(Error::Kind::Internal, QStringLiteral("cannot read migration %1").arg(path));
    return file.readAll();
}

QString checksumOf(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

bool tableExists(const Database &database, const QString &table)
{
    QSqlQuery query = database.prepare(
        database.dialect().isPostgres()
            ? QStringLiteral("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = "
                             "current_schema() AND tablename = ?")
            : QStringLiteral("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"));
    query.addBindValue(table);
    database.exec(query, "looking for a table");
    return query.next();
}

// version -> checksum of what the database says is applied.
QHash<int, QString> appliedMigrations(const Database &database)
{
    QSqlQuery query
        = database.prepare(QStringLiteral("SELECT version, checksum FROM schema_migrations"));
    database.exec(query, "reading schema_migrations");
    QHash<int, QString> applied;
    while (query.next())
        applied.insert(query.value(0).toInt(), query.value(1).toString());
    return applied;
}

} // namespace

Migrator::Migrator(Database &database)
    : m_database(database)
{ }

QList<Migrator::Migration> Migrator::knownMigrations(const Dialect &dialect)
{
    static const bool resourcesReady = (initMigrationResources(), true);
    Q_UNUSED(resourcesReady);
    static const QRegularExpression pattern(QStringLiteral(R"(^(\d{4})_(\w+)\.sql$)"));
    const QDir dir(dialect.migrationsResourceDir());
    QList<Migration> migrations;
    const QStringList files = dir.entryList(QDir::Files, QDir::Name);
    for (const QString &file : files) {
        const QRegularExpressionMatch match = pattern.match(file);
        if (!match.hasMatch()) {
            qCWarning(lcDbMigrate, "ignoring migration resource with an unexpected name: %s",
                      qPrintable(file));
            continue;
        }
        migrations.append({ match.captured(1).toInt(), file.chopped(4), dir.filePath(file) });
    }
    std::sort(migrations.begin(), migrations.end(),
              [](const Migration &a, const Migration &b) { return a.version < b.version; });
    return migrations;
}

int Migrator::latestKnownVersion(const Dialect &dialect)
{
    const QList<Migration> known = knownMigrations(dialect);
    return known.isEmpty() ? 0 : known.constLast().version;
}

int Migrator::currentVersion(const Database &database)
{
    if (!tableExists(database, QStringLiteral("schema_migrations")))
        return 0;
    QSqlQuery query = database.prepare(
        QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    database.exec(query, "reading the schema version");
    return query.next() ? query.value(0).toInt() : 0;
}

Migrator::Status Migrator::status() const
{
    Status status;
    const QList<Migration> known = knownMigrations(m_database.dialect());
    status.latest = known.isEmpty() ? 0 : known.constLast().version;
    if (!tableExists(m_database, QStringLiteral("schema_migrations"))) {
        for (const Migration &migration : known)
            status.pending.append(migration.version);
        return status;
    }
    const QHash<int, QString> applied = appliedMigrations(m_database);
    for (auto it = applied.cbegin(); it != applied.cend(); ++it)
        status.current = qMax(status.current, it.key());
    for (const Migration &migration : known) {
        if (!applied.contains(migration.version))
            status.pending.append(migration.version);
    }
    return status;
}

int Migrator::migrate()
{
    const QList<Migration> known = knownMigrations(m_database.dialect());
    int applied = 0;
    while (applyNext(known))
        ++applied;
    return applied;
}

// One transaction: lock, re-read what is applied (another process may have just done it),
// apply the lowest pending migration. Returns false when nothing was left to do.
bool Migrator::applyNext(const QList<Migration> &known)
{
    Transaction transaction(m_database);
    transaction.lock(locks::kMigrations);
    ensureTable();
    const QHash<int, QString> applied = appliedMigrations(m_database);
    int current = 0;
    for (auto it = applied.cbegin(); it != applied.cend(); ++it)
        current = qMax(current, it.key());
    checkNotNewer(current, known.isEmpty() ? 0 : known.constLast().version);

    for (const Migration &migration : known) {
        if (!applied.contains(migration.version))
            continue;
        const QString checksum = checksumOf(readResource(migration.resourcePath));
        if (applied.value(migration.version) != checksum)
            qCWarning(lcDbMigrate,
                      "migration %s was changed after it was applied (checksum differs)",
                      qPrintable(migration.name));
    }
    for (const Migration &migration : known) {
        if (applied.contains(migration.version))
            continue;
        QElapsedTimer timer;
        timer.start();
        apply(migration);
        transaction.commit();
        qCInfo(lcDbMigrate, "applied migration %s in %lld ms", qPrintable(migration.name),
               static_cast<long long>(timer.elapsed()));
        return true;
    }
    transaction.commit();
    return false;
}

void Migrator::ensureTable() const
{
    // Checked first (under the migration lock) rather than IF NOT EXISTS, whose NOTICE
    // PostgreSQL would print on every start.
    if (tableExists(m_database, QStringLiteral("schema_migrations")))
        return;
    m_database.execDirect(QStringLiteral("CREATE TABLE schema_migrations ("
                                         "version INTEGER PRIMARY KEY, "
                                         "name TEXT NOT NULL, "
                                         "checksum TEXT NOT NULL, "
                                         "applied_at %1 NOT NULL)")
                              .arg(m_database.dialect().timestampType()),
                          "creating schema_migrations");
}

void Migrator::checkNotNewer(int current, int latest) const
{
    if (current > latest)
        throw Error(
            Error::Kind::Conflict,
            QStringLiteral("control database schema is at version %1, newer than this binary "
                           "knows (%2); upgrade the binaries")
                .arg(current)
                .arg(latest),
            QJsonObject { { QStringLiteral("schemaVersion"), current },
                          { QStringLiteral("latestKnownVersion"), latest } });
}

void Migrator::apply(const Migration &migration) const
{
    const QByteArray bytes = readResource(migration.resourcePath);
    const QStringList statements = splitSqlStatements(QString::fromUtf8(bytes));
    for (const QString &statement : statements) {
        QSqlQuery query(m_database.connection());
        if (!query.exec(statement)) {
            const QString what = QStringLiteral("applying migration %1").arg(migration.name);
            m_database.raise(query, what.toUtf8().constData());
        }
    }
    QSqlQuery record = m_database.prepare(QStringLiteral(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)"));
    record.addBindValue(migration.version);
    record.addBindValue(migration.name);
    record.addBindValue(checksumOf(bytes));
    record.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    m_database.exec(record, "recording a migration");
}

} // namespace tf::db
