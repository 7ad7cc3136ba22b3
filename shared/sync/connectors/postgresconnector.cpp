#include "postgresconnector.h"

#include "postgresestimate.h"

#include "core/errors.h"
#include "db/connection.h"
#include "postgrescatalog.h"
#include "postgreschunkreader.h"
#include "postgresranges.h"
#include "postgresreader.h"
#include "postgresstatestore.h"
#include "postgrestypes.h"
#include "postgreswriter.h"

#include <QLoggingCategory>
#include <QSet>

Q_LOGGING_CATEGORY(lcPostgresConnector, "sync.postgres")

namespace tf::sync {

namespace {

[[noreturn]] void badSetting(const QString &what)
{
    throw Error(Error::Kind::Validation, QStringLiteral("PostgreSQL connector settings: ") + what);
}

QString stringSetting(const QJsonObject &object, const char *name, const QString &fallback = {})
{
    const QJsonValue value = object.value(QLatin1String(name));
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (!value.isString())
        badSetting(QStringLiteral("'%1' must be a string").arg(QLatin1String(name)));
    return value.toString();
}

int portSetting(const QJsonObject &object)
{
    const QJsonValue value = object.value(QLatin1String("port"));
    if (value.isUndefined() || value.isNull())
        return -1;
    bool ok = value.isDouble();
    int port = value.toInt(-1);
    if (value.isString())
        port = value.toString().toInt(&ok);
    if (!ok || port < 1 || port > 65535)
        badSetting(QStringLiteral("'port' must be a number from 1 to 65535"));
    return port;
}

} // namespace

db::DatabaseUrl PostgresConnector::urlFromSettings(const SystemSettings &settings)
{
    const QJsonObject &s = settings.settings;
    db::DatabaseUrl url;
    const QString text = stringSetting(s, "url");
    if (!text.isEmpty()) {
        url = db::DatabaseUrl::parse(text);
        if (!url.isPostgres())
            badSetting(QStringLiteral("'url' must be a postgresql:// URL"));
    } else {
        url.backend = db::DatabaseUrl::Backend::Postgres;
        url.host = stringSetting(s, "host");
        url.port = portSetting(s);
        url.database = stringSetting(s, "database");
        const QString sslmode = stringSetting(s, "sslmode");
        static const QStringList modes {
            QStringLiteral("disable"), QStringLiteral("allow"),     QStringLiteral("prefer"),
            QStringLiteral("require"), QStringLiteral("verify-ca"), QStringLiteral("verify-full")
        };
        if (!sslmode.isEmpty() && !modes.contains(sslmode))
            badSetting(
                QStringLiteral("'sslmode' must be one of %1").arg(modes.join(QLatin1String(", "))));
        if (!sslmode.isEmpty())
            url.options.insert(QStringLiteral("sslmode"), sslmode);
        if (url.database.isEmpty())
            badSetting(QStringLiteral("give either 'url' or 'database' (with 'host' and 'port')"));
    }
    if (url.port < 0)
        url.port = 5432;
    const QString user = stringSetting(settings.credentials, "user");
    const QString password = stringSetting(settings.credentials, "password");
    if (!user.isEmpty())
        url.user = user;
    if (!password.isEmpty())
        url.password = password;
    return url;
}

PostgresConnector::PostgresConnector(const SystemSettings &settings)
{
    const db::DatabaseUrl url = urlFromSettings(settings);
    m_schema = stringSetting(settings.settings, "schema", QStringLiteral("public"));
    if (m_schema.isEmpty())
        m_schema = QStringLiteral("public");
    m_reads = std::make_unique<db::Database>(url);
    m_writes = std::make_unique<db::Database>(url);
    m_staging = std::make_unique<db::Database>(url);
    m_catalog = std::make_unique<pg::PgCatalog>(*m_writes, m_schema);
    m_state = std::make_unique<PostgresStateStore>(*m_writes, *m_staging, *m_catalog);
    m_reader = std::make_unique<pg::PgReader>(*m_reads, *m_writes, *m_catalog);
    m_writer = std::make_unique<pg::PgWriter>(*m_writes, *m_catalog, *m_state);
    m_ranges = std::make_unique<pg::PgRanges>(*m_reads, *m_staging, *m_catalog);
    m_chunks = std::make_unique<pg::PgChunkReader>(*m_reads, *m_staging, *m_catalog);
    m_reader->setRanges(m_ranges.get());
    m_chunks->setRanges(m_ranges.get());
    qCDebug(lcPostgresConnector, "PostgreSQL connector for %s, schema %s",
            qPrintable(url.redacted()), qPrintable(m_schema));
}

PostgresConnector::~PostgresConnector() = default;

EntityDescription PostgresConnector::describe(const QString &entity)
{
    const pg::PgTable table = m_catalog->table(entity, true);
    QList<Column> columns;
    for (const pg::PgColumn &column : table.columns)
        columns << Column { column.name, column.type, column.nullable };
    return EntityDescription { table.name, Schema(columns), table.primaryKey };
}

QStringList PostgresConnector::entities()
{
    return m_catalog->tables();
}

const db::DatabaseUrl &PostgresConnector::url() const
{
    return m_writes->url();
}

void PostgresConnector::setReadSnapshot(const QString &snapshot)
{
    m_reader->setSnapshot(snapshot);
}

void PostgresConnector::readAll(const ReadRequest &request, const BatchSink &sink)
{
    m_reader->readAll(request, sink);
}

CursorHorizon PostgresConnector::cursorHorizon(const QString &entity, const QString &cursorColumn)
{
    return m_reader->cursorHorizon(entity, cursorColumn);
}

QByteArray PostgresConnector::hashRow(const Row &row, const Schema &schema) const
{
    return pg::recordHash(row, schema);
}

QList<QByteArray> PostgresConnector::hashRows(const ReadRequest &request, const QList<Row> &rows) const
{
    return m_ranges->hashRows(request, rows);
}

void PostgresConnector::readKeyHashes(const ReadRequest &request, const KeyHashSink &sink)
{
    m_reader->readKeyHashes(request, sink);
}

void PostgresConnector::readByKeys(const ReadRequest &request, const QList<KeyValues> &keys,
                                   const BatchSink &sink)
{
    m_reader->readByKeys(request, keys, sink);
}

void PostgresConnector::readSince(const ReadRequest &request, const QString &cursorColumn,
                                  const std::optional<Checkpoint> &after, const BatchSink &sink)
{
    m_reader->readSince(request, cursorColumn, after, sink);
}

qint64 PostgresConnector::estimateRows(const ReadRequest &request, const QString &cursorColumn,
                                      const std::optional<Checkpoint> &after)
{
    return pg::estimateRows(*m_writes, *m_catalog, request, cursorColumn, after);
}

void PostgresConnector::apply(const ChangeBatch &batch)
{
    m_writer->apply(batch);
}

bool PostgresConnector::isEmpty(const QString &entity)
{
    return m_writer->isEmpty(entity);
}

StateStore &PostgresConnector::stateStore()
{
    return *m_state;
}

QList<FieldError> PostgresConnector::unrepresentable(const QString &entity, const Schema &schema,
                                                     const Row &row)
{
    return unrepresentableRows(entity, schema, { &row }).constFirst();
}

QList<QList<FieldError>> PostgresConnector::unrepresentableRows(const QString &entity,
                                                                const Schema &schema,
                                                                const QList<const Row *> &rows)
{
    // The table and each column's place in it, once per batch (not per row and column).
    const pg::PgTable table = m_catalog->table(entity);
    QList<int> indexes;
    indexes.reserve(schema.size());
    for (int c = 0; c < schema.size(); ++c)
        indexes << table.indexOf(schema.at(c).name);
    QList<QList<FieldError>> result;
    result.reserve(rows.size());
    for (const Row *row : rows) {
        QList<FieldError> errors;
        for (int c = 0; c < schema.size() && c < row->size(); ++c) {
            const int index = indexes.at(c);
            if (index < 0)
                continue; // the write names the missing column
            const QString reason = pg::cannotHold(row->at(c), table.columns.at(index));
            if (!reason.isEmpty())
                errors << FieldError { schema.at(c).name, QStringLiteral("target_type"), reason };
        }
        result << std::move(errors);
    }
    return result;
}

bool PostgresConnector::hasUniqueKey(const QString &entity, const QStringList &columns)
{
    const QSet<QString> wanted(columns.cbegin(), columns.cend());
    for (const QStringList &key : m_catalog->uniqueKeys(entity)) {
        if (QSet<QString>(key.cbegin(), key.cend()) == wanted)
            return true;
    }
    return false;
}

QSet<QString> PostgresConnector::existingValues(const QString &entity, const QString &column,
                                                ValueType type, const QList<QVariant> &values)
{
    return m_reader->existingValues(entity, column, type, values);
}

qint64 PostgresConnector::estimateRows(const QString &entity)
{
    return m_chunks->estimateRows(entity);
}

bool PostgresConnector::chunksBy(const ReadRequest &request)
{
    return m_chunks->chunksBy(request);
}

void PostgresConnector::readKeyRange(const ReadRequest &request, const KeyRange &range, const BatchSink &sink)
{
    m_chunks->readKeyRange(request, range, sink);
}

bool PostgresConnector::canRangeBy(const QString &entity, const QString &column)
{
    return m_ranges->canRangeBy(entity, column);
}

bool PostgresConnector::typedRangeHash()
{
    return m_ranges->typedRangeHash();
}

QList<RangeSum> PostgresConnector::rangeSums(const ReadRequest &request, const KeyRange &range,
                                             const QStringList &splits, RangeHash hash)
{
    return m_ranges->rangeSums(request, range, splits, hash);
}

bool PostgresConnector::splitsCheaply(const ReadRequest &request)
{
    return m_ranges->splitsCheaply(request);
}

QStringList PostgresConnector::splitPoints(const ReadRequest &request, const KeyRange &range, int parts)
{
    return m_ranges->splitPoints(request, range, parts);
}

QHash<QString, qint64> PostgresConnector::rangeHashes(const ReadRequest &request, const QList<KeyRange> &ranges,
                                                      RangeHash hash)
{
    return m_ranges->rangeHashes(request, ranges, hash);
}

std::optional<QHash<qint64, RangeSum>> PostgresConnector::blockSums(const ReadRequest &request, qint64 width)
{
    return m_ranges->blockSums(request, width);
}

std::optional<QHash<qint64, RangeSum>> PostgresConnector::blockSumsWithin(const ReadRequest &request, qint64 width,
                                                                          const QList<KeyRange> &ranges)
{
    return m_ranges->blockSumsWithin(request, width, ranges);
}

} // namespace tf::sync
