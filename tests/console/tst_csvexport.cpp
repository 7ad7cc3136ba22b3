// CSV export of a table (RFC 4180): quoting, header, column choice, filtered views.
#include "models/csvexport.h"
#include "models/quarantinemodel.h"

#include <QBuffer>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTest>

using namespace tf::console;

namespace {

QByteArray exportToBytes(const QAbstractItemModel &model, const CsvExportOptions &options = {})
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    if (!exportCsv(model, buffer, options))
        return "export failed";
    return buffer.data();
}

// Two columns, the rows given as pairs of cells.
void fill(QStandardItemModel &model, const QList<QStringList> &rows)
{
    model.setColumnCount(2);
    model.setHorizontalHeaderLabels({ QStringLiteral("Name"), QStringLiteral("Note") });
    for (const QStringList &cells : rows) {
        QList<QStandardItem *> items;
        for (const QString &text : cells)
            items.append(new QStandardItem(text));
        model.appendRow(items);
    }
}

} // namespace

class TestCsvExport : public QObject
{
    Q_OBJECT

private slots:
    void fieldsAreQuotedOnlyWhenNeeded_data();
    void fieldsAreQuotedOnlyWhenNeeded();
    void wholeTableWithHeader();
    void chosenColumnsInTheirOrder();
    void filteredViewThroughTheProxy();
    void acceptedRowsInSourceOrder();
    void resourceModelHeadersAndEmptyCells();
    void failingDeviceReportsFailure();
};

void TestCsvExport::fieldsAreQuotedOnlyWhenNeeded_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("field");
    QTest::newRow("plain") << QStringLiteral("patients") << QByteArray("patients");
    QTest::newRow("empty") << QString() << QByteArray();
    QTest::newRow("comma") << QStringLiteral("a,b") << QByteArray("\"a,b\"");
    QTest::newRow("quote") << QStringLiteral("say \"hi\"") << QByteArray("\"say \"\"hi\"\"\"");
    QTest::newRow("newline") << QStringLiteral("line 1\nline 2")
                             << QByteArray("\"line 1\nline 2\"");
    QTest::newRow("carriage return") << QStringLiteral("a\r\nb") << QByteArray("\"a\r\nb\"");
    QTest::newRow("spaces kept") << QStringLiteral(" padded ") << QByteArray(" padded ");
    QTest::newRow("unicode") << QStringLiteral("Zürich → 東京 ✓")
                             << QStringLiteral("Zürich → 東京 ✓").toUtf8();
    QTest::newRow("unicode and comma")
        << QStringLiteral("Ærø, Danmark")
        << QByteArray("\"") + QStringLiteral("Ærø, Danmark").toUtf8() + "\"";
}

void TestCsvExport::fieldsAreQuotedOnlyWhenNeeded()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, field);
    QCOMPARE(csvField(text), field);
}

void TestCsvExport::wholeTableWithHeader()
{
    QStandardItemModel model;
    fill(model,
         { { QStringLiteral("PACS"), QStringLiteral("nightly, at 2") },
           { QStringLiteral("Müller"), QStringLiteral("said \"ok\"\nthen left") } });
    QCOMPARE(exportToBytes(model),
             QStringLiteral("Name,Note\r\nPACS,\"nightly, at 2\"\r\n"
                            "Müller,\"said \"\"ok\"\"\nthen left\"\r\n")
                 .toUtf8());

    CsvExportOptions options;
    options.header = false;
    options.byteOrderMark = true;
    QCOMPARE(exportToBytes(model, options).left(3), QByteArray("\xEF\xBB\xBF"));
    QVERIFY(exportToBytes(model, options).mid(3).startsWith("PACS,"));
}

void TestCsvExport::chosenColumnsInTheirOrder()
{
    QStandardItemModel model;
    fill(model, { { QStringLiteral("a"), QStringLiteral("b") } });
    CsvExportOptions options;
    options.columns = { 1, 0 };
    QCOMPARE(exportToBytes(model, options), QByteArray("Note,Name\r\nb,a\r\n"));
    options.columns = { 1 };
    QCOMPARE(exportToBytes(model, options), QByteArray("Note\r\nb\r\n"));
}

void TestCsvExport::filteredViewThroughTheProxy()
{
    QStandardItemModel model;
    fill(model,
         { { QStringLiteral("beta"), QStringLiteral("1") },
           { QStringLiteral("alpha"), QStringLiteral("2") },
           { QStringLiteral("gamma"), QStringLiteral("3") } });
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setFilterRegularExpression(QStringLiteral("a$"));
    proxy.sort(0);
    QCOMPARE(exportToBytes(proxy), QByteArray("Name,Note\r\nalpha,2\r\nbeta,1\r\ngamma,3\r\n"));
    proxy.setFilterRegularExpression(QStringLiteral("^(alpha|gamma)$"));
    QCOMPARE(exportToBytes(proxy), QByteArray("Name,Note\r\nalpha,2\r\ngamma,3\r\n"));
}

void TestCsvExport::acceptedRowsInSourceOrder()
{
    QStandardItemModel model;
    fill(model,
         { { QStringLiteral("gamma"), QStringLiteral("3") },
           { QStringLiteral("beta"), QStringLiteral("1") },
           { QStringLiteral("alpha"), QStringLiteral("2") } });
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.sort(0);
    proxy.setFilterRegularExpression(QStringLiteral("^(alpha|gamma)$"));
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QVERIFY(exportCsvAccepted(proxy, buffer));
    QCOMPARE(buffer.data(), QByteArray("Name,Note\r\ngamma,3\r\nalpha,2\r\n"));
}

void TestCsvExport::resourceModelHeadersAndEmptyCells()
{
    QuarantineModel model;
    model.applyItems(QJsonArray { QJsonObject {
        { QStringLiteral("id"), 7 },
        { QStringLiteral("pair_id"), 3 },
        { QStringLiteral("entity"), QStringLiteral("patients") },
        { QStringLiteral("message"), QStringLiteral("name, \"first\" is empty") },
        { QStringLiteral("created_at"), QStringLiteral("2026-11-28T15:06:37.000Z") } } });
    QCOMPARE(
        exportToBytes(model),
        QByteArray("ID,Pair,Entity,Rule,Field,Message,Attempts,Created,Status\r\n"
                   "7,3,patients,,,\"name, \"\"first\"\" is empty\",,2026-11-28T15:06:37Z,\r\n"));
}

void TestCsvExport::failingDeviceReportsFailure()
{
    QStandardItemModel model;
    fill(model, { { QStringLiteral("a"), QStringLiteral("b") } });
    QBuffer closed; // not open: every write fails
    QTest::ignoreMessage(QtWarningMsg, "QIODevice::write (QBuffer): device not open");
    QVERIFY(!exportCsv(model, closed));
}

QTEST_GUILESS_MAIN(TestCsvExport)
#include "tst_csvexport.moc"
