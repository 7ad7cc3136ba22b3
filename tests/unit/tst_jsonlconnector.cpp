// The JSON Lines connector over real files in temporary folders: typed and inferred
// columns, errors naming lines, atomic whole-file writes, bounded memory.
#include "core/errors.h"
#include "sync/connectors/jsonlconnector.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include "fileconnectorfixture.h"

using namespace tf::sync;
using namespace tf::test::files;

namespace {

SystemSettings jsonlSettings(const QString &path, const QJsonObject &extra = {})
{
    QJsonObject settings = extra;
    settings.insert(QStringLiteral("path"), path);
    return { QStringLiteral("jsonl"), settings, {} };
}

} // namespace

class TestJsonlConnector final : public QObject
{
    Q_OBJECT

private slots:
    void init();

    void infersColumnsAndTypes();
    void tolerantLines_data();
    void tolerantLines();
    void malformedLineIsNamed_data();
    void malformedLineIsNamed();
    void declaredColumnsType();
    void folderFilesAreEntities();
    void nastyValuesRoundTrip();
    void failedWriteKeepsOldFile();
    void largeFileReadKeepsMemoryBounded();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestJsonlConnector::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestJsonlConnector::infersColumnsAndTypes()
{
    const QString path = m_dir->filePath(QStringLiteral("kinds.jsonl"));
    writeFile(path, "{\"s\":\"x\",\"i\":9007199254740993,\"d\":1.5,\"b\":true,\"o\":{\"k\":[1]},\"n\":null,\"w\":1}\n"
                    "{\"s\":\"\\u00e9\",\"i\":-2,\"d\":2,\"b\":false,\"o\":[],\"n\":null,\"w\":2.5}\n");
    JsonlConnector connector(jsonlSettings(path));
    const Schema schema = connector.describe(QStringLiteral("kinds")).schema;
    QCOMPARE(schema.names(), (QStringList { QStringLiteral("b"), QStringLiteral("d"), QStringLiteral("i"), QStringLiteral("n"),
                                            QStringLiteral("o"), QStringLiteral("s"), QStringLiteral("w") }));
    const QList<ValueType> types { ValueType::Boolean, ValueType::Double, ValueType::Integer, ValueType::Text,
                                   ValueType::Json, ValueType::Text, ValueType::Double };
    for (int i = 0; i < types.size(); ++i)
        QCOMPARE(schema.at(i).type, types.at(i));
    compareRows(readRows(connector, QStringLiteral("kinds")),
                { { true, 1.5, qint64(9007199254740993LL), QVariant(), QStringLiteral("{\"k\":[1]}"), QStringLiteral("x"), 1.0 },
                  { false, 2.0, qint64(-2), QVariant(), QStringLiteral("[]"), QStringLiteral("é"), 2.5 } },
                schema);
}

void TestJsonlConnector::tolerantLines_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("LF") << QByteArray("{\"a\":\"1\"}\n{\"a\":\"2\"}\n");
    QTest::newRow("CRLF, no final line end") << QByteArray("{\"a\":\"1\"}\r\n{\"a\":\"2\"}");
    QTest::newRow("BOM and blank lines") << QByteArray("\xEF\xBB\xBF{\"a\":\"1\"}\n\n  \n{\"a\":\"2\"}\n\n");
    QTest::newRow("spaces inside") << QByteArray("  { \"a\" : \"1\" }  \n{\"a\":\"2\"}\n");
}

void TestJsonlConnector::tolerantLines()
{
    QFETCH(QByteArray, content);
    const QString path = m_dir->filePath(QStringLiteral("lines.jsonl"));
    writeFile(path, content);
    JsonlConnector connector(jsonlSettings(path));
    const Schema schema = connector.describe(QStringLiteral("lines")).schema;
    compareRows(readRows(connector, QStringLiteral("lines"), 1), { { QStringLiteral("1") }, { QStringLiteral("2") } }, schema);
}

void TestJsonlConnector::malformedLineIsNamed_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("broken JSON") << QByteArray("{\"a\":1}\n\n{\"a\":2,}\n") << 3 << "at character";
    QTest::newRow("not an object") << QByteArray("{\"a\":1}\n[1,2]\n") << 2 << "not a JSON object";
    QByteArray late;
    for (int i = 0; i < JsonlConnector::kSampleLines; ++i)
        late += "{\"a\":1}\n";
    late += "{\"a\":1,\"surprise\":2}\n";
    QTest::newRow("key after the sample") << late << JsonlConnector::kSampleLines + 1 << "declare \"columns\"";
    QByteArray wrongType = late.left(late.lastIndexOf("{\"a\":1,"));
    wrongType += "{\"a\":\"one\"}\n";
    QTest::newRow("value of the wrong type after the sample") << wrongType << JsonlConnector::kSampleLines + 1
                                                              << "column 'a': 'one' is not an integer";
}

void TestJsonlConnector::malformedLineIsNamed()
{
    QFETCH(QByteArray, content);
    QFETCH(int, line);
    QFETCH(QString, fragment);
    const QString path = m_dir->filePath(QStringLiteral("bad.jsonl"));
    writeFile(path, content);
    JsonlConnector connector(jsonlSettings(path));
    try {
        readRows(connector, QStringLiteral("bad"));
        QFAIL("a malformed file was read");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        QVERIFY2(error.message().contains(QStringLiteral("bad.jsonl line %1").arg(line)), qPrintable(error.message()));
        QVERIFY2(error.message().contains(fragment), qPrintable(error.message()));
        QCOMPARE(error.details().value(QStringLiteral("line")).toInt(), line);
    }
}

void TestJsonlConnector::declaredColumnsType()
{
    const QString path = m_dir->filePath(QStringLiteral("typed.jsonl"));
    writeFile(path, "{\"id\":\"7\",\"price\":12.10,\"day\":\"2024-02-29\",\"ignored\":1}\n{\"id\":8}\n");
    const QJsonArray columns { QJsonObject { { QStringLiteral("name"), QStringLiteral("id") }, { QStringLiteral("type"), QStringLiteral("integer") } },
                               QJsonObject { { QStringLiteral("name"), QStringLiteral("price") }, { QStringLiteral("type"), QStringLiteral("decimal") } },
                               QJsonObject { { QStringLiteral("name"), QStringLiteral("day") }, { QStringLiteral("type"), QStringLiteral("date") } } };
    JsonlConnector connector(jsonlSettings(path, { { QStringLiteral("columns"), columns } }));
    const Schema schema = connector.describe(QStringLiteral("typed")).schema;
    compareRows(readRows(connector, QStringLiteral("typed")),
                { { qint64(7), QStringLiteral("12.1"), QDate(2024, 2, 29) }, { qint64(8), QVariant(), QVariant() } }, schema);
}

void TestJsonlConnector::folderFilesAreEntities()
{
    writeFile(m_dir->filePath(QStringLiteral("a.jsonl")), "{\"x\":1}\n");
    writeFile(m_dir->filePath(QStringLiteral("b.ndjson")), "{\"x\":2}\n{\"x\":3}\n");
    writeFile(m_dir->filePath(QStringLiteral("c.json")), "[]");
    JsonlConnector connector(jsonlSettings(m_dir->path()));
    QCOMPARE(connector.entities(), (QStringList { QStringLiteral("a"), QStringLiteral("b") }));
    QCOMPARE(readRows(connector, QStringLiteral("b")).size(), 2);
}

void TestJsonlConnector::nastyValuesRoundTrip()
{
    const Schema schema = nastySchema();
    const auto schemaPtr = std::make_shared<const Schema>(schema);
    JsonlConnector target(jsonlSettings(m_dir->path()));
    target.beginEntity(QStringLiteral("nasty"), schemaPtr, { QStringLiteral("n") });
    ChangeBatch batch;
    batch.entity = QStringLiteral("nasty");
    batch.schema = schemaPtr;
    batch.upserts = nastyRows();
    batch.upserts[1][0] = QStringLiteral("ctl \x01\x1f\t\"\\ end");
    target.apply(batch);
    target.endEntity(QStringLiteral("nasty"), true);

    const QList<QByteArray> lines = readFile(m_dir->filePath(QStringLiteral("nasty.jsonl"))).split('\n');
    QCOMPARE(lines.size(), 4); // three objects and the final line end
    QVERIFY2(lines.at(0).startsWith("{\"Key \\\"Name\\\"\":\"👩‍🚀 naïve, \\\"q\\\"\\r\\nline; tab\\t\",\"n\":1,\"amount\":\"123456789012.34\","
                                    "\"ratio\":1e-20,\"when\":\"2024-03-10T02:45:30.123456Z\",\"local\":\"1999-12-31T23:59:59.999999\",\"day\":\"infinity\""),
             lines.at(0).constData());
    QVERIFY(lines.at(0).endsWith(",\"doc\":{\"é\":\"x\",\"a\":[1,2.5,{\"b\":null}]}}"));
    QVERIFY(lines.at(1).contains("\"ctl \\u0001\\u001f\\t\\\"\\\\ end\""));
    QVERIFY(lines.at(2).contains("\"ratio\":null"));

    JsonlConnector source(jsonlSettings(m_dir->path(), { { QStringLiteral("columns"), declared(schema) } }));
    compareRows(readRows(source, QStringLiteral("nasty"), 2), batch.upserts, schema);
}

void TestJsonlConnector::failedWriteKeepsOldFile()
{
    const QString path = m_dir->filePath(QStringLiteral("keep.jsonl"));
    const QByteArray old("{\"id\":1}\n");
    writeFile(path, old);
    JsonlConnector target(jsonlSettings(path));
    const auto schema = std::make_shared<const Schema>(QList<Column> { { QStringLiteral("id"), ValueType::Integer }, { QStringLiteral("r"), ValueType::Double } });
    target.beginEntity(QStringLiteral("keep"), schema, { QStringLiteral("id") });
    ChangeBatch batch;
    batch.entity = QStringLiteral("keep");
    batch.schema = schema;
    batch.upserts = { Row { qint64(2), 0.5 } };
    target.apply(batch);
    // A batch the file cannot take (other columns than it was begun with) fails the write.
    batch.schema = std::make_shared<const Schema>(QList<Column> { { QStringLiteral("id"), ValueType::Integer }, { QStringLiteral("x"), ValueType::Text } });
    batch.upserts = { Row { qint64(3), QStringLiteral("x") } };
    try {
        target.apply(batch);
        QFAIL("a row of other columns was written");
    } catch (const tf::Error &error) {
        QVERIFY2(error.message().contains(QLatin1String("have columns")), qPrintable(error.message()));
    }
    target.endEntity(QStringLiteral("keep"), false);
    QCOMPARE(readFile(path), old);
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files | QDir::Hidden), QStringList { QStringLiteral("keep.jsonl") });
}

void TestJsonlConnector::largeFileReadKeepsMemoryBounded()
{
#if defined(__SANITIZE_ADDRESS__)
    QSKIP("RSS says nothing under AddressSanitizer: its quarantine keeps freed memory resident");
#endif
    const QString path = m_dir->filePath(QStringLiteral("large.jsonl"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QByteArray filler(200, 'x');
        for (int i = 0; i < 100000; ++i)
            file.write("{\"id\":" + QByteArray::number(i) + ",\"name\":\"name " + QByteArray::number(i) + "\",\"note\":\"" + filler + "\"}\n");
    }
    QVERIFY(QFileInfo(path).size() > 20 * 1024 * 1024);
    JsonlConnector connector(jsonlSettings(path));
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
    QVERIFY2(peak - before < 12 * 1024, qPrintable(QStringLiteral("RSS grew by %1 kB").arg(peak - before)));
}

QTEST_GUILESS_MAIN(TestJsonlConnector)
#include "tst_jsonlconnector.moc"
