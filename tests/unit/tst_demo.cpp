// The demo county: a deterministic PACS database in county proportions, its on-purpose broken
// rows, the CAMA schema, and the four demo pairs, which must quarantine exactly those rows.
#include "core/errors.h"
#include "db/connection.h"
#include "db/databaseurl.h"
#include "db/sqlscript.h"
#include "sync/connectors/sqliteconnector.h"
#include "sync/definition/syncpairdefinition.h"
#include "sync/demo/pacsdemogenerator.h"
#include "sync/mapping/mappingplan.h"
#include "sync/validation/validationplan.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

// tfcore is a static library: its resource object is linked only when asked for. The macro
// must be used outside any namespace.
static void initDemoResources()
{
    Q_INIT_RESOURCE(demo);
}
using tf::sync::DemoSummary;
using tf::sync::PacsDemoGenerator;

namespace {

const QStringList kTables { u"Property"_s, u"Owner"_s, u"PropertyValue"_s, u"Structure"_s };
const QStringList kPairs { u"property"_s, u"owner"_s, u"value"_s, u"structure"_s };

// The demo files as compiled into tfcore (resources/demo/demo.qrc).
QString demoFile(const QString &relative)
{
    return u":/demo/"_s + relative;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

QString canonical(const QVariant &value, tf::sync::ValueType type)
{
    return QString::fromUtf8(tf::sync::canonicalValue(value, type));
}

QJsonObject pairJson(const QString &name)
{
    return QJsonDocument::fromJson(readAll(demoFile(u"pairs/%1.json"_s.arg(name)))).object();
}

// A private connection to one SQLite file for the scope of a test.
class SqliteFile final
{
public:
    explicit SqliteFile(const QString &path)
        : m_name(u"tst-demo-%1"_s.arg(++s_counter))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        if (!db.open())
            qFatal("cannot open %s", qPrintable(path));
    }
    ~SqliteFile()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }
    // False when the statement fails (a constraint says no).
    bool tryExec(const QString &sql, const QVariantList &values = {},
                 QSqlQuery *out = nullptr) const
    {
        QSqlQuery q(db());
        if (!q.prepare(sql))
            qFatal("prepare %s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        for (const QVariant &value : values)
            q.addBindValue(value);
        const bool ok = q.exec();
        if (out)
            *out = std::move(q);
        return ok;
    }
    QSqlQuery query(const QString &sql, const QVariantList &values = {}) const
    {
        QSqlQuery q;
        if (!tryExec(sql, values, &q))
            qFatal("exec %s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return q;
    }
    qint64 count(const QString &sql, const QVariantList &values = {}) const
    {
        QSqlQuery q = query(sql, values);
        return q.next() ? q.value(0).toLongLong() : -1;
    }
    // Every row of every table, as text, in key order.
    QStringList dump() const
    {
        QStringList lines;
        for (const QString &table : kTables) {
            QSqlQuery q = query(u"SELECT * FROM %1 ORDER BY 1"_s.arg(table));
            while (q.next()) {
                QStringList fields { table };
                for (int i = 0; i < q.record().count(); ++i)
                    fields << (q.isNull(i) ? u"<NULL>"_s : q.value(i).toString());
                lines << fields.join(QLatin1Char('|'));
            }
        }
        return lines;
    }

private:
    QString m_name;
    static inline int s_counter = 0;
};

} // namespace

class TestDemo final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void sameSeedSameRows();
    void countyProportions();
    void valuesLookLikeACounty();
    void brokenRowsAreExactlyAsSummarised();
    void demoPairsQuarantineExactlyTheBrokenRows();
    void brokenRowCountFollowsTheOption();
    void badOptionsAreRefused();
    void fileIsReplacedOnlyWhenComplete();
    void countyScaleIsQuick();

    void camaSqliteSchemaApplies();
    void camaPostgresSchemaApplies();
    void pairFilesHaveTheDocumentedShape();
    void resourcesHoldEveryDemoFile();

private:
    QTemporaryDir m_dir;
    QString m_path;
    DemoSummary m_summary;
    PacsDemoGenerator::Options m_options;
};

void TestDemo::initTestCase()
{
    initDemoResources();
    m_options.parcels = 500;
    m_path = m_dir.filePath(u"pacs.db"_s);
    m_summary = PacsDemoGenerator::generate(m_path, m_options);
}

void TestDemo::sameSeedSameRows()
{
    const QString again = m_dir.filePath(u"again.db"_s);
    const DemoSummary second = PacsDemoGenerator::generate(again, m_options);
    const QStringList first = SqliteFile(m_path).dump();
    QCOMPARE(first.size(),
             int(m_summary.rowCount(u"Property"_s) + m_summary.rowCount(u"Owner"_s)
                 + m_summary.rowCount(u"PropertyValue"_s) + m_summary.rowCount(u"Structure"_s)));
    QCOMPARE(SqliteFile(again).dump(), first);
    QCOMPARE(second.toJson().value(u"broken_rows"_s), m_summary.toJson().value(u"broken_rows"_s));
    QCOMPARE(second.rowCounts, m_summary.rowCounts);

    PacsDemoGenerator::Options other = m_options;
    other.seed += 1;
    const QString different = m_dir.filePath(u"other.db"_s);
    PacsDemoGenerator::generate(different, other);
    QVERIFY(SqliteFile(different).dump() != first);
}

void TestDemo::countyProportions()
{
    const SqliteFile file(m_path);
    QCOMPARE(m_summary.rowCounts.keys(),
             (QStringList { u"Owner"_s, u"Property"_s, u"PropertyValue"_s, u"Structure"_s }));
    for (const QString &table : kTables)
        QCOMPARE(file.count(u"SELECT COUNT(*) FROM %1"_s.arg(table)), m_summary.rowCount(table));
    QCOMPARE(m_summary.rowCount(u"Property"_s), qint64(500));
    QCOMPARE(m_summary.seed, m_options.seed);
    QCOMPARE(m_summary.path, QFileInfo(m_path).absoluteFilePath());
    // DESIGN §1: 12k parcels ~ 19k owners, ~ 62k values, ~ 15k structures.
    const double parcels = double(m_summary.rowCount(u"Property"_s));
    const auto within10 = [&](const QString &table, double perTwelveThousand) {
        const double expected = parcels * perTwelveThousand / 12000.0;
        const double actual = double(m_summary.rowCount(table));
        QVERIFY2(
            qAbs(actual - expected) <= expected * 0.10,
            qPrintable(u"%1: %2 rows, expected about %3"_s.arg(table).arg(actual).arg(expected)));
    };
    within10(u"Owner"_s, 19000);
    within10(u"PropertyValue"_s, 62000);
    within10(u"Structure"_s, 15000);
}

void TestDemo::valuesLookLikeACounty()
{
    const SqliteFile file(m_path);
    const QRegularExpression guid(QStringLiteral(
        "^\\{[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\\}$"));
    const QRegularExpression zip(u"^99\\d{3}(-\\d{4})?$"_s);
    const QRegularExpression modified(
        u"^20(2[0-5])-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}$"_s);
    const QStringList brokenProperties = m_summary.brokenKeys(u"Property"_s);
    QSqlQuery q = file.query(
        QStringLiteral("SELECT PropertyID, ParcelNumber, Address, City, State, ZipCode, Acreage, "
                       "LegalDescription, LastModified FROM Property"));
    QSet<QString> parcelNumbers;
    int withPlusFour = 0;
    while (q.next()) {
        QVERIFY2(guid.match(q.value(0).toString()).hasMatch(), qPrintable(q.value(0).toString()));
        QVERIFY(modified.match(q.value(8).toString()).hasMatch());
        QVERIFY(!q.value(7).toString().isEmpty());
        if (brokenProperties.contains(q.value(0).toString()))
            continue;
        parcelNumbers.insert(q.value(1).toString());
        QCOMPARE(q.value(4).toString(), u"WA"_s);
        QVERIFY2(zip.match(q.value(5).toString()).hasMatch(), qPrintable(q.value(5).toString()));
        withPlusFour += q.value(5).toString().contains(QLatin1Char('-'));
        QVERIFY(q.value(6).toDouble() > 0 && q.value(6).toDouble() < 100);
    }
    QCOMPARE(parcelNumbers.size(), 500 - brokenProperties.size()); // unique
    QVERIFY(withPlusFour > 20 && withPlusFour < 150);

    // Current owners' shares add up to 100% on every parcel without a broken owner row.
    const QString brokenOwners = m_summary.brokenKeys(u"Owner"_s).join(u',');
    QCOMPARE(file.count(u"SELECT COUNT(DISTINCT PropertyID) FROM Owner"_s),
             qint64(500 - brokenProperties.size() + 1));
    QCOMPARE(file.count(u"SELECT COUNT(*) FROM (SELECT PropertyID FROM Owner WHERE EndDate IS NULL "
                        u"AND PropertyID NOT IN "
                        "(SELECT PropertyID FROM Owner WHERE OwnerID IN (%1)) GROUP BY PropertyID "
                        "HAVING ABS(SUM(OwnershipPercentage) - 100) > 0.001)"_s.arg(brokenOwners)),
             qint64(0));
    // Market value is land plus improvements; vacant land has no improvements and no structure.
    QCOMPARE(file.count(QStringLiteral("SELECT COUNT(*) FROM PropertyValue WHERE MarketValue <> "
                                       "LandValue + ImprovementValue")),
             qint64(0));
    QCOMPARE(file.count(QStringLiteral(
                 "SELECT COUNT(*) FROM PropertyValue v WHERE ImprovementValue = 0 AND EXISTS "
                 "(SELECT 1 FROM Structure s WHERE s.PropertyID = v.PropertyID)")),
             qint64(0));
}

void TestDemo::brokenRowsAreExactlyAsSummarised()
{
    const SqliteFile file(m_path);
    QCOMPARE(m_summary.brokenRows.size(), 12);
    QSet<QString> seen;
    for (const QString &table : kTables)
        QVERIFY2(m_summary.brokenKeys(table).size() >= 2,
                 qPrintable(table)); // spread over all four
    for (const DemoSummary::BrokenRow &row : m_summary.brokenRows) {
        QVERIFY(!seen.contains(row.table + row.key));
        seen.insert(row.table + row.key);
        QVERIFY(!row.reason.isEmpty() && !row.rule.isEmpty() && !row.targetField.isEmpty());
        QSqlQuery q = file.query(
            u"SELECT %1 FROM %2 WHERE %3 = ?"_s.arg(row.column, row.table, row.keyColumn),
            { row.key });
        QVERIFY2(q.next(), qPrintable(row.table + QLatin1Char(' ') + row.key));
        const QString actual = q.isNull(0) ? u"NULL"_s : q.value(0).toString();
        QCOMPARE(actual.toDouble() != 0 ? QString::number(actual.toDouble()) : actual,
                 row.value.toDouble() != 0 ? QString::number(row.value.toDouble()) : row.value);
        if (row.table == QLatin1String("Property")) {
            for (const QString &child : { u"Owner"_s, u"PropertyValue"_s, u"Structure"_s })
                QCOMPARE(file.count(u"SELECT COUNT(*) FROM %1 WHERE PropertyID = ?"_s.arg(child),
                                    { row.key }),
                         qint64(0));
        }
        if (row.rule == QLatin1String("reference"))
            QCOMPARE(
                file.count(u"SELECT COUNT(*) FROM Property WHERE PropertyID = ?"_s, { row.value }),
                qint64(0));
    }
    // The documented breakages (resources/demo/README.md), in their documented order.
    QStringList values;
    for (const DemoSummary::BrokenRow &row : m_summary.brokenRows)
        values << row.table + u'.' + row.column + u'='
                + (row.rule == QLatin1String("reference") ? u"*"_s : row.value);
    QCOMPARE(values.join(u", "_s),
             u"Property.ZipCode=ABCDE, Owner.OwnershipPercentage=140.00, "
             "PropertyValue.AssessedValue=-15000, Structure.SquareFootage=-850, "
             "Property.Acreage=-2.5000, Owner.OwnerName=NULL, PropertyValue.TaxYear=1850, "
             "Structure.YearBuilt=2999, Property.ParcelNumber=, Owner.OwnerType=Unknown, "
             "Property.YearBuilt=2999, Owner.PropertyID=*"_s);
}

void TestDemo::demoPairsQuarantineExactlyTheBrokenRows()
{
    using namespace tf::sync;
    // The CAMA target, from the demo schema.
    const QString camaPath = m_dir.filePath(u"cama-run.db"_s);
    {
        const SqliteFile cama(camaPath);
        for (const QString &statement :
             tf::db::splitSqlStatements(QString::fromUtf8(readAll(demoFile(u"cama_sqlite.sql"_s)))))
            cama.query(statement);
    }
    SqliteConnector source(SystemSettings { u"sqlite"_s, { { u"path"_s, m_path } }, {} });
    SqliteConnector target(SystemSettings { u"sqlite"_s, { { u"path"_s, camaPath } }, {} });

    QSet<QString>
        acceptedProperties; // canonical texts of cama_property.source_id that would be written
    const ReferenceLookup lookup = [&](const QString &entity, const QString &column, ValueType type,
                                       const QList<QVariant> &values) {
        QSet<QString> found;
        if (entity == QLatin1String("cama_property") && column == QLatin1String("source_id")) {
            for (const QVariant &value : values) {
                const QString text = canonical(value, type);
                if (acceptedProperties.contains(text))
                    found.insert(text);
            }
        }
        return found;
    };

    for (const QString &pairName : kPairs) {
        const QJsonObject entity = pairJson(pairName)[u"entities"_s].toArray().first().toObject();
        const QString sourceEntity = entity[u"source"_s][u"entity"_s].toString();
        const EntityDescription from = source.describe(sourceEntity);
        const EntityDescription to = target.describe(entity[u"target"_s][u"entity"_s].toString());
        const MappingPlan mapping
            = MappingPlan::compile(entity[u"mapping"_s].toObject(), from.schema, to.schema);
        ValidationPlan rules
            = ValidationPlan::compile(entity[u"validation"_s].toArray(), *mapping.targetSchema());
        rules.beginRun();
        const int keyIndex
            = from.schema.indexOf(entity[u"source"_s][u"key"_s].toArray().first().toString());
        const ValueType keyType = from.schema.at(keyIndex).type;
        const int sourceIdIndex = mapping.targetSchema()->indexOf(u"source_id"_s);
        const ValueType sourceIdType = mapping.targetSchema()->at(sourceIdIndex).type;

        QHash<QString, QList<FieldError>> rejected; // source key (canonical) -> why
        qint64 rows = 0;
        ReadRequest request;
        request.entity = sourceEntity;
        request.keyColumns = QStringList { from.schema.at(keyIndex).name };
        request.batchSize = 97; // batches that do not line up with anything
        source.readAll(request, [&](const RowBatch &batch) {
            QList<Row> mapped;
            QList<QList<FieldError>> mappingErrors;
            for (const Row &row : batch.rows) {
                MappingPlan::Result result = mapping.apply(row);
                mapped << result.row;
                mappingErrors << result.errors;
            }
            const QList<QList<FieldError>> errors = rules.validateBatch(mapped, lookup);
            for (int i = 0; i < mapped.size(); ++i) {
                const QList<FieldError> all = mappingErrors.at(i) + errors.at(i);
                const QString key = canonical(batch.rows.at(i).at(keyIndex), keyType);
                if (!all.isEmpty())
                    rejected.insert(key, all);
                else if (pairName == QLatin1String("property"))
                    acceptedProperties.insert(
                        canonical(mapped.at(i).at(sourceIdIndex), sourceIdType));
            }
            rows += batch.rows.size();
            return true;
        });
        QCOMPARE(rows, m_summary.rowCount(sourceEntity));

        QSet<QString> expected;
        for (const DemoSummary::BrokenRow &broken : m_summary.brokenRows) {
            if (broken.table != sourceEntity)
                continue;
            QVariant key;
            QString error;
            QVERIFY(coerceValue(broken.key, keyType, &key, &error));
            const QString text = canonical(key, keyType);
            expected.insert(text);
            QVERIFY2(rejected.contains(text),
                     qPrintable(u"%1 %2 (%3) was not rejected"_s.arg(sourceEntity, broken.key,
                                                                     broken.reason)));
            QStringList why;
            for (const FieldError &fieldError : rejected.value(text))
                why << fieldError.field + u'/' + fieldError.rule;
            QVERIFY2(why.contains(broken.targetField + u'/' + broken.rule),
                     qPrintable(why.join(u' ')));
        }
        for (auto it = rejected.cbegin(); it != rejected.cend(); ++it)
            QVERIFY2(expected.contains(it.key()),
                     qPrintable(u"%1 %2 rejected but not broken on purpose: %3"_s.arg(
                         sourceEntity, it.key(), it.value().first().message)));
        QCOMPARE(rejected.size(), expected.size());
    }
}

void TestDemo::brokenRowCountFollowsTheOption()
{
    for (const int broken : { 0, 3, 30 }) {
        PacsDemoGenerator::Options options;
        options.parcels = 400;
        options.brokenRows = broken;
        const DemoSummary summary
            = PacsDemoGenerator::generate(m_dir.filePath(u"broken-%1.db"_s.arg(broken)), options);
        QCOMPARE(summary.brokenRows.size(), broken);
    }
}

void TestDemo::badOptionsAreRefused()
{
    const QString path = m_dir.filePath(u"bad.db"_s);
    PacsDemoGenerator::Options options;
    options.parcels = 0;
    QVERIFY_THROWS_EXCEPTION(tf::Error, PacsDemoGenerator::generate(path, options));
    options.parcels = 100;
    options.brokenRows = 26;
    QVERIFY_THROWS_EXCEPTION(tf::Error, PacsDemoGenerator::generate(path, options));
    options.brokenRows = -1;
    QVERIFY_THROWS_EXCEPTION(tf::Error, PacsDemoGenerator::generate(path, options));
    options.brokenRows = 2;
    QVERIFY_THROWS_EXCEPTION(
        tf::Error, PacsDemoGenerator::generate(m_dir.filePath(u"no/such/folder/x.db"_s), options));
    QVERIFY(!QFile::exists(path));
}

void TestDemo::fileIsReplacedOnlyWhenComplete()
{
    const QString path = m_dir.filePath(u"replace.db"_s);
    QFile old(path);
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("not a database");
    old.close();
    PacsDemoGenerator::Options options;
    options.parcels = 0;
    QVERIFY_THROWS_EXCEPTION(tf::Error, PacsDemoGenerator::generate(path, options));
    QCOMPARE(readAll(path), QByteArray("not a database"));

    options.parcels = 40;
    options.brokenRows = 4;
    PacsDemoGenerator::generate(path, options);
    QCOMPARE(SqliteFile(path).count(u"SELECT COUNT(*) FROM Property"_s), qint64(40));
    QCOMPARE(QDir(m_dir.path()).entryList({ u"replace.db*"_s }, QDir::Files),
             QStringList { u"replace.db"_s });
}

void TestDemo::countyScaleIsQuick()
{
    // The default county (12k parcels, about 110k rows); a loose bound that catches per-row
    // commits or quadratic work, not a benchmark.
    QElapsedTimer timer;
    timer.start();
    const DemoSummary summary = PacsDemoGenerator::generate(m_dir.filePath(u"county.db"_s));
    const qint64 elapsed = timer.elapsed();
    qInfo("12,000 parcels: %lld owners, %lld values, %lld structures in %lld ms",
          summary.rowCount(u"Owner"_s), summary.rowCount(u"PropertyValue"_s),
          summary.rowCount(u"Structure"_s), elapsed);
    QCOMPARE(summary.rowCount(u"Property"_s), qint64(12000));
    QCOMPARE(summary.brokenRows.size(), 12);
    QVERIFY2(elapsed < 30000, qPrintable(QString::number(elapsed)));
}

void TestDemo::camaSqliteSchemaApplies()
{
    const QString path = m_dir.filePath(u"cama.db"_s);
    const SqliteFile cama(path);
    const QStringList statements
        = tf::db::splitSqlStatements(QString::fromUtf8(readAll(demoFile(u"cama_sqlite.sql"_s))));
    QCOMPARE(statements.size(), 8);
    for (const QString &statement : statements)
        cama.query(statement);
    for (const QString &table :
         { u"cama_property"_s, u"cama_owner"_s, u"cama_value"_s, u"cama_structure"_s }) {
        QStringList columns;
        QSqlQuery q = cama.query(u"SELECT name FROM pragma_table_info(?)"_s, { table });
        while (q.next())
            columns << q.value(0).toString();
        QVERIFY2(columns.size() > 4, qPrintable(table));
        QCOMPARE(columns.first(), u"id"_s);
        QVERIFY(columns.contains(u"source_id"_s));
        QVERIFY(columns.contains(u"source_last_modified"_s));
        QCOMPARE(columns.contains(u"property_source_id"_s),
                 table != QLatin1String("cama_property"));
    }
    // source_id is unique; children need their property (with foreign keys on).
    cama.query(u"PRAGMA foreign_keys = ON"_s);
    const QString id = u"6f1c2a3e-5b7d-4c8e-9a0f-7e3d2b1c4a59"_s;
    cama.query(QStringLiteral("INSERT INTO cama_property (source_id, parcel_number) VALUES (?, "
                              "'1-1000-100-0001-000')"),
               { id });
    QVERIFY(!cama.tryExec(u"INSERT INTO cama_property (source_id, parcel_number) VALUES (?, 'x')"_s,
                          { id }));
    cama.query(
        u"INSERT INTO cama_owner (source_id, property_source_id, owner_name) VALUES ('o1', ?, 'A')"_s,
        { id });
    QVERIFY(!cama.tryExec(
        u"INSERT INTO cama_owner (source_id, property_source_id, owner_name) VALUES ('o2', 'none', 'B')"_s));
    cama.query(u"DELETE FROM cama_property"_s);
    QCOMPARE(cama.count(u"SELECT COUNT(*) FROM cama_owner"_s), qint64(0)); // cascaded
}

void TestDemo::camaPostgresSchemaApplies()
{
    const QString url = tf::test::createScratchPostgresDatabase(u"tfdemo"_s);
    TF_REQUIRE_POSTGRES(url);
    const tf::db::Database database(tf::db::DatabaseUrl::parse(url));
    for (const QString &statement :
         tf::db::splitSqlStatements(QString::fromUtf8(readAll(demoFile(u"cama_postgres.sql"_s)))))
        database.execDirect(statement, "applying the CAMA schema");
    QSqlQuery q = database.prepare(QStringLiteral(
        "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'cama\\_%'"));
    database.exec(q, "counting tables");
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toInt(), 4);
}

void TestDemo::pairFilesHaveTheDocumentedShape()
{
    for (const QString &name : kPairs) {
        QJsonParseError error;
        const QJsonDocument document
            = QJsonDocument::fromJson(readAll(demoFile(u"pairs/%1.json"_s.arg(name))), &error);
        QVERIFY2(error.error == QJsonParseError::NoError,
                 qPrintable(name + u": "_s + error.errorString()));
        QJsonObject pair = document.object();
        QVERIFY(pair[u"name"_s].toString().startsWith(QLatin1String("PACS to CAMA: ")));
        QVERIFY(pair[u"schedule"_s].toString().endsWith(QLatin1String(" 2 * * MON-SAT")));
        const QJsonObject common { { u"source_system"_s, u"<set at install>"_s },
                                   { u"target_system"_s, u"<set at install>"_s },
                                   { u"mode"_s, u"hash"_s },
                                   { u"batch_size"_s, 5000 },
                                   { u"invalid_rows"_s, u"quarantine"_s },
                                   { u"delete_policy"_s,
                                     QJsonObject { { u"action"_s, u"propagate"_s } } } };
        for (auto it = common.begin(); it != common.end(); ++it)
            QCOMPARE(pair.value(it.key()), it.value());
        const QJsonArray entities = pair[u"entities"_s].toArray();
        QCOMPARE(entities.size(), 1);
        const QJsonObject entity = entities.first().toObject();
        QCOMPARE(entity[u"name"_s].toString(), name);
        QCOMPARE(entity[u"target"_s][u"key"_s].toArray(), QJsonArray { u"source_id"_s });
        QVERIFY(entity[u"target"_s][u"entity"_s].toString().startsWith(QLatin1String("cama_")));
        const QJsonArray fields = entity[u"mapping"_s][u"fields"_s].toArray();
        QCOMPARE(fields.first()[u"target"_s].toString(), u"source_id"_s);
        QVERIFY(!entity[u"validation"_s].toArray().isEmpty());
        QCOMPARE(entity[u"depends_on"_s].toArray(), QJsonArray());
        bool referencesProperty = false;
        for (const QJsonValue &rule : entity[u"validation"_s].toArray())
            referencesProperty
                = referencesProperty || rule[u"rule"_s].toString() == QLatin1String("reference");
        QCOMPARE(referencesProperty, name != QLatin1String("property"));

        // With the system ids filled in, as the installer does, the real parser accepts it.
        pair.insert(u"source_system"_s, 1);
        pair.insert(u"target_system"_s, 2);
        try {
            const tf::sync::SyncPairDefinition definition
                = tf::sync::SyncPairDefinition::parse(pair);
            QCOMPARE(definition.entities.size(), 1);
        } catch (const tf::Error &parseError) {
            QFAIL(qPrintable(name + u": "_s
                             + QString::fromUtf8(QJsonDocument(parseError.details()).toJson())));
        }
    }
}

void TestDemo::resourcesHoldEveryDemoFile()
{
    QCOMPARE(QDir(u":/demo"_s).entryList(QDir::Files),
             (QStringList { u"cama_gis_postgres.sql"_s, u"cama_gis_sqlite.sql"_s,
                            u"cama_postgres.sql"_s, u"cama_sqlite.sql"_s }));
    // The PACS pairs, and the GIS demo's (tst_gisdemo installs and runs it).
    QCOMPARE(QDir(u":/demo/pairs"_s).entryList(QDir::Files),
             (QStringList { u"gis_parcels.json"_s, u"owner.json"_s, u"property.json"_s,
                            u"structure.json"_s, u"value.json"_s }));
}

QTEST_GUILESS_MAIN(TestDemo)
#include "tst_demo.moc"
