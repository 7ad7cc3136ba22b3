// The CSV connector over real files in temporary folders: RFC 4180 parsing, typed columns,
// atomic whole-file writes, bounded memory.
#include "core/errors.h"
#include "sync/connectors/csvconnector.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "fileconnectorfixture.h"

using namespace tf::sync;
using namespace tf::test::files;

namespace {

SystemSettings csvSettings(const QString &path, const QJsonObject &extra = {})
{
    QJsonObject settings = extra;
    settings.insert(QStringLiteral("path"), path);
    return { QStringLiteral("csv"), settings, {} };
}

} // namespace

class TestCsvConnector final : public QObject
{
    Q_OBJECT

private slots:
    void init();

    void settingsAreChecked();
    void parses_data();
    void parses();
    void malformedLineIsNamed_data();
    void malformedLineIsNamed();
    void folderFilesAreEntities();
    void typedColumns();
    void nastyValuesRoundTrip();
    void failedWriteKeepsOldFile();
    void readsByKeyAndSince();
    void largeFileReadKeepsMemoryBounded();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestCsvConnector::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestCsvConnector::settingsAreChecked()
{
    const auto fieldOf = [](const SystemSettings &settings) {
        try {
            CsvConnector connector(settings);
        } catch (const tf::Error &error) {
            return error.kind() == tf::Error::Kind::Validation ? error.details().value(QStringLiteral("field")).toString() : QString();
        }
        return QStringLiteral("<accepted>");
    };
    QCOMPARE(fieldOf(csvSettings(QStringLiteral("data/file.csv"))), QStringLiteral("path"));
    QCOMPARE(fieldOf(csvSettings(m_dir->path(), { { QStringLiteral("delimiter"), QStringLiteral(";;") } })), QStringLiteral("delimiter"));
    const QJsonArray badType { QJsonObject { { QStringLiteral("name"), QStringLiteral("a") }, { QStringLiteral("type"), QStringLiteral("money?") } } };
    QCOMPARE(fieldOf(csvSettings(m_dir->path(), { { QStringLiteral("columns"), badType } })), QStringLiteral("columns[0].type"));
    QCOMPARE(fieldOf(csvSettings(m_dir->path(), { { QStringLiteral("delimiter"), QStringLiteral("\\t") } })), QStringLiteral("<accepted>"));
}

void TestCsvConnector::parses_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("delimiter");
    QTest::addColumn<QList<Row>>("expected");
    const QVariant null;
    const auto s = [](const char *text) { return QVariant(QString::fromUtf8(text)); };
    QTest::newRow("quoted delimiter") << QByteArray("a,b\r\n\"x,1\",y\r\n") << "," << QList<Row> { { s("x,1"), s("y") } };
    QTest::newRow("doubled quotes") << QByteArray("a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n") << "," << QList<Row> { { s("say \"hi\""), s("\"") } };
    QTest::newRow("newlines inside quotes") << QByteArray("a,b\n\"l1\nl2\",\"c\r\nd\"\n") << "," << QList<Row> { { s("l1\nl2"), s("c\r\nd") } };
    QTest::newRow("BOM") << QByteArray("\xEF\xBB\xBF" "a,b\n1,2\n") << "," << QList<Row> { { s("1"), s("2") } };
    QTest::newRow("CRLF, no final line end") << QByteArray("a,b\r\n1,2\r\n3,4") << "," << QList<Row> { { s("1"), s("2") }, { s("3"), s("4") } };
    QTest::newRow("CR line ends") << QByteArray("a,b\r1,2\r") << "," << QList<Row> { { s("1"), s("2") } };
    QTest::newRow("semicolon") << QByteArray("a;b\n1,5;\"x;y\"\n") << ";" << QList<Row> { { s("1,5"), s("x;y") } };
    QTest::newRow("tab") << QByteArray("a\tb\n1\t\"t\tq\"\n") << "\\t" << QList<Row> { { s("1"), s("t\tq") } };
    QTest::newRow("NULL vs empty string") << QByteArray("a,b,c\n,\"\",x\n\"\",,\n") << "," << QList<Row> { { null, s(""), s("x") }, { s(""), null, null } };
    QTest::newRow("UTF-8") << QByteArray("a,b\nZürich,👩‍🚀\n") << "," << QList<Row> { { s("Zürich"), s("👩‍🚀") } };
    QTest::newRow("blank lines skipped") << QByteArray("a,b\n1,2\n\n3,4\n") << "," << QList<Row> { { s("1"), s("2") }, { s("3"), s("4") } };
    QTest::newRow("spaces kept") << QByteArray("a,b\n x , y\n") << "," << QList<Row> { { s(" x "), s(" y") } };
}

void TestCsvConnector::parses()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, delimiter);
    QFETCH(QList<Row>, expected);
    const QString path = m_dir->filePath(QStringLiteral("data.csv"));
    writeFile(path, content);
    CsvConnector connector(csvSettings(path, { { QStringLiteral("delimiter"), delimiter } }));
    QCOMPARE(connector.entities(), QStringList { QStringLiteral("data") });
    const Schema schema = connector.describe(QStringLiteral("data")).schema;
    QCOMPARE(schema.at(0).name, QStringLiteral("a"));
    compareRows(readRows(connector, QStringLiteral("data"), 1), expected, schema);
}

void TestCsvConnector::malformedLineIsNamed_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("stray quote") << QByteArray("a,b\n1,2\n3,x\"y\n") << 3 << "quote inside an unquoted field";
    QTest::newRow("text after closing quote") << QByteArray("a,b\n\"x\"y,2\n") << 2 << "after the closing quote";
    QTest::newRow("unclosed quote") << QByteArray("a,b\n1,2\n\"open,3\n4,5\n") << 3 << "never closed";
    QTest::newRow("too many fields") << QByteArray("a,b\n1,2,3\n") << 2 << "3 fields, the header has 2";
    QTest::newRow("after a quoted newline") << QByteArray("a,b\n\"x\ny\",1\n1\n") << 4 << "1 fields";
    QTest::newRow("invalid UTF-8") << QByteArray("a,b\n1,\xff\xfe\n") << 2 << "UTF-8";
}

void TestCsvConnector::malformedLineIsNamed()
{
    QFETCH(QByteArray, content);
    QFETCH(int, line);
    QFETCH(QString, fragment);
    const QString path = m_dir->filePath(QStringLiteral("bad.csv"));
    writeFile(path, content);
    CsvConnector connector(csvSettings(path));
    try {
        readRows(connector, QStringLiteral("bad"));
        QFAIL("a malformed file was read");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        QVERIFY2(error.message().contains(QStringLiteral("bad.csv line %1").arg(line)), qPrintable(error.message()));
        QVERIFY2(error.message().contains(fragment), qPrintable(error.message()));
        QCOMPARE(error.details().value(QStringLiteral("line")).toInt(), line);
    }
}

void TestCsvConnector::folderFilesAreEntities()
{
    writeFile(m_dir->filePath(QStringLiteral("people.csv")), "id,name\n1,Ann\n");
    writeFile(m_dir->filePath(QStringLiteral("places.2024.csv")), "id\n7\n");
    writeFile(m_dir->filePath(QStringLiteral("README.md")), "not data");
    CsvConnector connector(csvSettings(m_dir->path(), { { QStringLiteral("key"), QStringLiteral("id") } }));
    QCOMPARE(connector.entities(), (QStringList { QStringLiteral("people"), QStringLiteral("places.2024") }));
    QCOMPARE(connector.describe(QStringLiteral("people")).keyColumns, QStringList { QStringLiteral("id") });
    QCOMPARE(readRows(connector, QStringLiteral("places.2024")).size(), 1);
    try {
        readRows(connector, QStringLiteral("absent"));
        QFAIL("a missing file read as empty");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::NotFound);
    }
    try {
        connector.describe(QStringLiteral("../escape"));
        QFAIL("an entity named a path outside the folder");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
    }
}

void TestCsvConnector::typedColumns()
{
    const QString path = m_dir->filePath(QStringLiteral("typed.csv"));
    writeFile(path, "id,price,seen,note\n1,12.50,2024-01-02T03:04:05Z,x\n2,,2024-01-02 03:04:05+02:00,\n");
    const QJsonArray columns { QJsonObject { { QStringLiteral("name"), QStringLiteral("id") }, { QStringLiteral("type"), QStringLiteral("bigint") } },
                               QJsonObject { { QStringLiteral("name"), QStringLiteral("price") }, { QStringLiteral("type"), QStringLiteral("numeric(10,2)") } },
                               QJsonObject { { QStringLiteral("name"), QStringLiteral("seen") }, { QStringLiteral("type"), QStringLiteral("timestamptz") } } };
    CsvConnector connector(csvSettings(path, { { QStringLiteral("columns"), columns } }));
    const Schema schema = connector.describe(QStringLiteral("typed")).schema;
    QCOMPARE(schema.at(3).type, ValueType::Text);
    compareRows(readRows(connector, QStringLiteral("typed")),
                { { qint64(1), QStringLiteral("12.5"), QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5), Qt::UTC), QStringLiteral("x") },
                  { qint64(2), QVariant(), QDateTime(QDate(2024, 1, 2), QTime(1, 4, 5), Qt::UTC), QVariant() } },
                schema);

    // A bad value is delivered as unreadable, naming the file, the line and the value (the
    // engine quarantines the row under the column's name); it never fails the whole read.
    writeFile(path, "id,price,seen,note\n1,12.50,2024-01-02T00:00:00Z,x\nthree,1,2024-01-02T00:00:00Z,y\n");
    const QList<Row> rows = readRows(connector, QStringLiteral("typed"));
    QCOMPARE(rows.size(), 2);
    QVERIFY(!unreadableOf(rows.at(0).at(0)));
    const UnreadableValue *bad = unreadableOf(rows.at(1).at(0));
    QVERIFY(bad);
    QCOMPARE(bad->text, QStringLiteral("three"));
    QVERIFY2(bad->reason.contains(QLatin1String("typed.csv line 3: 'three' is not an integer")), qPrintable(bad->reason));
    QCOMPARE(rows.at(1).at(3), QVariant(QStringLiteral("y")));
}

void TestCsvConnector::nastyValuesRoundTrip()
{
    const Schema schema = nastySchema();
    const auto schemaPtr = std::make_shared<const Schema>(schema);
    CsvConnector target(csvSettings(m_dir->path()));
    target.beginEntity(QStringLiteral("nasty"), schemaPtr, { QStringLiteral("n") });
    ChangeBatch batch;
    batch.entity = QStringLiteral("nasty");
    batch.schema = schemaPtr;
    batch.upserts = nastyRows().mid(0, 2);
    target.apply(batch);
    batch.upserts = nastyRows().mid(2);
    batch.deletes = { { qint64(99) } }; // a no-op for a rewritten file
    target.apply(batch);
    target.endEntity(QStringLiteral("nasty"), true);

    const QByteArray written = readFile(m_dir->filePath(QStringLiteral("nasty.csv")));
    QVERIFY(written.startsWith("\"Key \"\"Name\"\"\",n,amount,ratio,when,local,day,flag,payload,id,doc\r\n"));
    QVERIFY(written.contains(",1e-20,2024-03-10T02:45:30.123456Z,1999-12-31T23:59:59.999999,infinity,true,\\x0001"));
    QVERIFY(written.endsWith("\r\n\\N,,,,,,,,,,\r\n"));
    QVERIFY(written.contains("\r\n\"\",-9223372036854775808,"));

    CsvConnector source(csvSettings(m_dir->path(), { { QStringLiteral("columns"), declared(schema) } }));
    compareRows(readRows(source, QStringLiteral("nasty"), 2), nastyRows(), schema);
}

void TestCsvConnector::failedWriteKeepsOldFile()
{
    const QString path = m_dir->filePath(QStringLiteral("keep.csv"));
    const QByteArray old("id,name\r\n1,old\r\n");
    writeFile(path, old);
    CsvConnector target(csvSettings(m_dir->path()));
    const auto schema = std::make_shared<const Schema>(QList<Column> { { QStringLiteral("id"), ValueType::Integer }, { QStringLiteral("name"), ValueType::Text } });
    target.beginEntity(QStringLiteral("keep"), schema, { QStringLiteral("id") });
    ChangeBatch batch;
    batch.entity = QStringLiteral("keep");
    batch.schema = schema;
    for (int i = 0; i < 20000; ++i)
        batch.upserts << Row { qint64(i), QStringLiteral("new %1").arg(i) };
    target.apply(batch);
    batch.upserts = { Row { qint64(1) } }; // one value short: the run fails midway
    try {
        target.apply(batch);
        QFAIL("a short row was written");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
    }
    QCOMPARE(readFile(path), old);
    target.endEntity(QStringLiteral("keep"), false);
    QCOMPARE(readFile(path), old);
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files | QDir::Hidden), QStringList { QStringLiteral("keep.csv") });

    target.beginEntity(QStringLiteral("keep"), schema, { QStringLiteral("id") });
    batch.upserts = { Row { qint64(2), QStringLiteral("two") } };
    target.apply(batch);
    target.endEntity(QStringLiteral("keep"), true);
    QCOMPARE(readFile(path), QByteArray("id,name\r\n2,two\r\n"));
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files | QDir::Hidden), QStringList { QStringLiteral("keep.csv") });
}

void TestCsvConnector::readsByKeyAndSince()
{
    const QString path = m_dir->filePath(QStringLiteral("events.csv"));
    writeFile(path, "k,version\n5,30\n1,10\n3,20\n2,20\n4,20\n6,\n");
    const QJsonArray columns { QJsonObject { { QStringLiteral("name"), QStringLiteral("k") }, { QStringLiteral("type"), QStringLiteral("integer") } },
                               QJsonObject { { QStringLiteral("name"), QStringLiteral("version") }, { QStringLiteral("type"), QStringLiteral("decimal") } } };
    CsvConnector connector(csvSettings(path, { { QStringLiteral("columns"), columns }, { QStringLiteral("key"), QStringLiteral("k") } }));
    ReadRequest request;
    request.entity = QStringLiteral("events");
    request.batchSize = 2;
    const auto keysOf = [](QList<qint64> *keys) {
        return [keys](const RowBatch &batch) {
            for (const Row &row : batch.rows)
                keys->append(row.at(0).toLongLong());
            return true;
        };
    };
    QList<qint64> keys;
    connector.readByKeys(request, { { qint64(4) }, { qint64(1) }, { qint64(42) } }, keysOf(&keys));
    QCOMPARE(keys, (QList<qint64> { 1, 4 }));
    keys.clear();
    connector.readSince(request, QStringLiteral("version"), std::nullopt, keysOf(&keys));
    QCOMPARE(keys, (QList<qint64> { 6, 1, 2, 3, 4, 5 }));
    keys.clear();
    connector.readSince(request, QStringLiteral("version"), Checkpoint { QStringLiteral("20"), { qint64(3) } }, keysOf(&keys));
    QCOMPARE(keys, (QList<qint64> { 4, 5 }));
    QCOMPARE(connector.existingValues(QStringLiteral("events"), QStringLiteral("k"), ValueType::Integer, { qint64(2), qint64(9) }),
             QSet<QString> { QStringLiteral("2") });
}

void TestCsvConnector::largeFileReadKeepsMemoryBounded()
{
#if defined(__SANITIZE_ADDRESS__)
    QSKIP("RSS says nothing under AddressSanitizer: its quarantine keeps freed memory resident");
#endif
    const QString path = m_dir->filePath(QStringLiteral("large.csv"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("id,name,amount,note\r\n");
        const QByteArray filler(200, 'x');
        for (int i = 0; i < 100000; ++i)
            file.write(QByteArray::number(i) + ",\"name " + QByteArray::number(i) + "\",12345.67," + filler + "\r\n");
    }
    QVERIFY(QFileInfo(path).size() > 20 * 1024 * 1024);
    CsvConnector connector(csvSettings(path));
    const qint64 before = residentKb();
    qint64 peak = before;
    qint64 rows = 0;
    ReadRequest request;
    request.entity = QStringLiteral("large");
    request.batchSize = 1000;
    connector.readAll(request, [&](const RowBatch &batch) {
        rows += batch.rows.size();
        peak = qMax(peak, residentKb());
        return true;
    });
    QCOMPARE(rows, qint64(100000));
    // The file as QStrings would take over 45 MB; one batch takes well under 2.
    QVERIFY2(peak - before < 12 * 1024, qPrintable(QStringLiteral("RSS grew by %1 kB").arg(peak - before)));
}

QTEST_GUILESS_MAIN(TestCsvConnector)
#include "tst_csvconnector.moc"
