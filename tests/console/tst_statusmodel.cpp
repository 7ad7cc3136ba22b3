#include "models/statusmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using tf::console::Health;
using tf::console::StatusModel;

namespace {

QJsonObject component(const char *status, double latencyMs)
{
    return QJsonObject{ { QStringLiteral("status"), QLatin1String(status) },
                        { QStringLiteral("latency_ms"), latencyMs } };
}

// The documented /api/status shape, with knobs for what the tests change.
QJsonObject statusObject(double syncdLatency = 3, const char *overall = "healthy")
{
    QJsonObject gateway = component("healthy", 0);
    gateway.insert(QStringLiteral("uptime_s"), 12.615); // the gateway sends fractions
    QJsonObject syncd = component("healthy", syncdLatency);
    syncd.insert(QStringLiteral("url"), QStringLiteral("http://127.0.0.1:8080"));
    syncd.insert(QStringLiteral("supervised"), true);
    syncd.insert(QStringLiteral("restarts"), 0);
    syncd.insert(QStringLiteral("pid"), 1234);
    QJsonObject database = component("healthy", 1);
    database.insert(QStringLiteral("backend"), QStringLiteral("sqlite"));
    database.insert(QStringLiteral("schema_version"), 1);
    return QJsonObject{
        { QStringLiteral("status"), QLatin1String(overall) },
        { QStringLiteral("version"), QStringLiteral("0.1.0") },
        { QStringLiteral("timestamp"), QStringLiteral("2026-01-15T10:20:30.123Z") },
        { QStringLiteral("components"),
          QJsonObject{ { QStringLiteral("gateway"), gateway },
                       { QStringLiteral("syncd"), syncd },
                       { QStringLiteral("database"), database } } },
    };
}

QJsonDocument doc(const QJsonObject &object) { return QJsonDocument(object); }

QJsonObject withComponents(QJsonObject status, const QJsonObject &components)
{
    status.insert(QStringLiteral("components"), components);
    return status;
}

QVariant cell(const StatusModel &model, int row, int column, int role = Qt::DisplayRole)
{
    return model.data(model.index(row, column), role);
}

// Every structural signal a view could see, counted.
struct ModelSignals
{
    explicit ModelSignals(StatusModel *model)
        : dataChanged(model, &QAbstractItemModel::dataChanged)
        , reset(model, &QAbstractItemModel::modelReset)
        , inserted(model, &QAbstractItemModel::rowsInserted)
        , removed(model, &QAbstractItemModel::rowsRemoved)
        , layout(model, &QAbstractItemModel::layoutChanged)
    {
    }
    QSignalSpy dataChanged, reset, inserted, removed, layout;
};

} // namespace

class TestStatusModel : public QObject
{
    Q_OBJECT

private slots:
    void passesModelTesterThroughEveryKindOfUpdate();
    void showsComponentsInOperatorOrder();
    void showsOverallSummary();
    void changedLatencyEmitsDataChangedOnly();
    void identicalUpdateEmitsNothing();
    void disappearedComponentIsRemoved();
    void newComponentIsInserted();
    void componentErrorIsShown();
    void malformedInputSetsError_data();
    void malformedInputSetsError();
    void transportErrorKeepsLastKnownRows();
    void overallFollowsWorstComponentWhenMissing();
};

void TestStatusModel::passesModelTesterThroughEveryKindOfUpdate()
{
    StatusModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

    QVERIFY(model.applyStatus(doc(statusObject())));
    QVERIFY(model.applyStatus(doc(statusObject(9))));
    QJsonObject components = statusObject().value(QStringLiteral("components")).toObject();
    components.remove(QStringLiteral("syncd"));
    components.insert(QStringLiteral("cache"), component("degraded", 2));
    QVERIFY(model.applyStatus(doc(withComponents(statusObject(), components))));
    QVERIFY(!model.applyStatus(QJsonDocument::fromJson("[1,2,3]")));
    QVERIFY(model.applyStatus(doc(withComponents(statusObject(), QJsonObject()))));
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.applyStatus(doc(statusObject())));
    QCOMPARE(model.rowCount(), 3);
}

void TestStatusModel::showsComponentsInOperatorOrder()
{
    StatusModel model;
    QVERIFY(model.applyStatus(doc(statusObject())));

    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), 4);
    QCOMPARE(model.headerData(StatusModel::ComponentColumn, Qt::Horizontal).toString(), QStringLiteral("Component"));
    QCOMPARE(model.headerData(StatusModel::StatusColumn, Qt::Horizontal).toString(), QStringLiteral("Status"));
    QCOMPARE(model.headerData(StatusModel::LatencyColumn, Qt::Horizontal).toString(), QStringLiteral("Latency (ms)"));
    QCOMPARE(model.headerData(StatusModel::DetailsColumn, Qt::Horizontal).toString(), QStringLiteral("Details"));

    QCOMPARE(cell(model, 0, StatusModel::ComponentColumn).toString(), QStringLiteral("gateway"));
    QCOMPARE(cell(model, 1, StatusModel::ComponentColumn).toString(), QStringLiteral("syncd"));
    QCOMPARE(cell(model, 2, StatusModel::ComponentColumn).toString(), QStringLiteral("database"));

    QCOMPARE(cell(model, 1, StatusModel::StatusColumn).toString(), QStringLiteral("healthy"));
    QCOMPARE(cell(model, 1, StatusModel::LatencyColumn).toDouble(), 3.0);
    QCOMPARE(cell(model, 2, StatusModel::LatencyColumn).toDouble(), 1.0);
    QCOMPARE(cell(model, 1, StatusModel::StatusColumn, StatusModel::HealthRole).toInt(), int(Health::Healthy));

    const QString syncdDetails = cell(model, 1, StatusModel::DetailsColumn).toString();
    QVERIFY2(syncdDetails.contains(QStringLiteral("http://127.0.0.1:8080")), qPrintable(syncdDetails));
    QVERIFY2(syncdDetails.contains(QStringLiteral("supervised")), qPrintable(syncdDetails));
    QVERIFY2(syncdDetails.contains(QStringLiteral("0 restarts")), qPrintable(syncdDetails));
    QVERIFY2(syncdDetails.contains(QStringLiteral("pid 1234")), qPrintable(syncdDetails));
    QCOMPARE(cell(model, 0, StatusModel::DetailsColumn).toString(), QStringLiteral("up 12 s"));
    QCOMPARE(cell(model, 2, StatusModel::DetailsColumn).toString(), QStringLiteral("sqlite, schema v1"));
}

void TestStatusModel::showsOverallSummary()
{
    StatusModel model;
    QSignalSpy summary(&model, &StatusModel::summaryChanged);
    QVERIFY(model.applyStatus(doc(statusObject(3, "degraded"))));

    QCOMPARE(summary.count(), 1);
    QCOMPARE(model.overallHealth(), Health::Degraded);
    QCOMPARE(model.overallStatus(), QStringLiteral("degraded"));
    QCOMPARE(model.version(), QStringLiteral("0.1.0"));
    QCOMPARE(model.serverTimestamp(), QDateTime(QDate(2026, 1, 15), QTime(10, 20, 30, 123), Qt::UTC));
    QVERIFY(model.lastUpdated().isValid());
    QVERIFY(!model.hasError());
}

void TestStatusModel::changedLatencyEmitsDataChangedOnly()
{
    StatusModel model;
    QVERIFY(model.applyStatus(doc(statusObject(3))));
    ModelSignals spies(&model);

    QVERIFY(model.applyStatus(doc(statusObject(42))));

    QCOMPARE(spies.dataChanged.count(), 1);
    const auto topLeft = spies.dataChanged.at(0).at(0).value<QModelIndex>();
    const auto bottomRight = spies.dataChanged.at(0).at(1).value<QModelIndex>();
    QCOMPARE(topLeft.row(), 1);
    QCOMPARE(bottomRight.row(), 1);
    QVERIFY(topLeft.column() <= StatusModel::LatencyColumn && bottomRight.column() >= StatusModel::LatencyColumn);
    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.inserted.count(), 0);
    QCOMPARE(spies.removed.count(), 0);
    QCOMPARE(spies.layout.count(), 0);
    QCOMPARE(cell(model, 1, StatusModel::LatencyColumn).toDouble(), 42.0);
}

void TestStatusModel::identicalUpdateEmitsNothing()
{
    StatusModel model;
    QVERIFY(model.applyStatus(doc(statusObject())));
    ModelSignals spies(&model);

    QVERIFY(model.applyStatus(doc(statusObject())));

    QCOMPARE(spies.dataChanged.count(), 0);
    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.inserted.count(), 0);
    QCOMPARE(spies.removed.count(), 0);
}

void TestStatusModel::disappearedComponentIsRemoved()
{
    StatusModel model;
    QVERIFY(model.applyStatus(doc(statusObject())));
    ModelSignals spies(&model);

    QJsonObject components = statusObject().value(QStringLiteral("components")).toObject();
    components.remove(QStringLiteral("syncd"));
    QVERIFY(model.applyStatus(doc(withComponents(statusObject(), components))));

    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(spies.removed.count(), 1);
    QCOMPARE(spies.removed.at(0).at(1).toInt(), 1);
    QCOMPARE(spies.removed.at(0).at(2).toInt(), 1);
    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(spies.dataChanged.count(), 0);
    QCOMPARE(model.componentName(0), QStringLiteral("gateway"));
    QCOMPARE(model.componentName(1), QStringLiteral("database"));
}

void TestStatusModel::newComponentIsInserted()
{
    StatusModel model;
    QVERIFY(model.applyStatus(doc(statusObject())));
    ModelSignals spies(&model);

    QJsonObject components = statusObject().value(QStringLiteral("components")).toObject();
    components.insert(QStringLiteral("cache"), component("healthy", 0.5));
    QVERIFY(model.applyStatus(doc(withComponents(statusObject(), components))));

    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(spies.inserted.count(), 1);
    QCOMPARE(spies.inserted.at(0).at(1).toInt(), 3); // known components first, others after
    QCOMPARE(spies.reset.count(), 0);
    QCOMPARE(model.componentName(3), QStringLiteral("cache"));
    QCOMPARE(cell(model, 3, StatusModel::LatencyColumn).toDouble(), 0.5);
}

void TestStatusModel::componentErrorIsShown()
{
    StatusModel model;
    QJsonObject components = statusObject().value(QStringLiteral("components")).toObject();
    QJsonObject syncd{ { QStringLiteral("status"), QStringLiteral("down") },
                       { QStringLiteral("error"), QStringLiteral("connection refused") },
                       { QStringLiteral("restarts"), 1 } };
    components.insert(QStringLiteral("syncd"), syncd);
    QVERIFY(model.applyStatus(doc(withComponents(statusObject(3, "down"), components))));

    QCOMPARE(model.overallHealth(), Health::Down);
    QCOMPARE(cell(model, 1, StatusModel::StatusColumn).toString(), QStringLiteral("down"));
    QVERIFY(!cell(model, 1, StatusModel::LatencyColumn).isValid());
    QCOMPARE(cell(model, 1, StatusModel::DetailsColumn).toString(), QStringLiteral("connection refused (1 restart)"));
    QVERIFY(cell(model, 1, StatusModel::DetailsColumn, Qt::ToolTipRole).toString().contains(QStringLiteral("connection refused")));
}

void TestStatusModel::malformedInputSetsError_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("not json") << QByteArray("<html>502 Bad Gateway</html>");
    QTest::newRow("array") << QByteArray("[{\"status\":\"healthy\"}]");
    QTest::newRow("no components") << QByteArray("{\"status\":\"healthy\"}");
    QTest::newRow("components is a list") << QByteArray("{\"status\":\"healthy\",\"components\":[1]}");
    QTest::newRow("component is a string") << QByteArray("{\"components\":{\"gateway\":\"healthy\"}}");
    QTest::newRow("component is null") << QByteArray("{\"components\":{\"gateway\":null}}");
}

void TestStatusModel::malformedInputSetsError()
{
    QFETCH(QByteArray, body);
    StatusModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.applyStatus(doc(statusObject())));
    ModelSignals spies(&model);

    QVERIFY(!model.applyStatus(QJsonDocument::fromJson(body)));

    QVERIFY(model.hasError());
    QVERIFY(!model.errorString().isEmpty());
    QCOMPARE(model.overallHealth(), Health::Unknown);
    QCOMPARE(model.rowCount(), 3); // the last good state stays
    QCOMPARE(spies.dataChanged.count() + spies.reset.count() + spies.inserted.count() + spies.removed.count(), 0);

    QVERIFY(model.applyStatus(doc(statusObject())));
    QVERIFY(!model.hasError());
    QCOMPARE(model.overallHealth(), Health::Healthy);
}

void TestStatusModel::transportErrorKeepsLastKnownRows()
{
    StatusModel model;
    QVERIFY(model.applyStatus(doc(statusObject())));
    const QDateTime updated = model.lastUpdated();
    QSignalSpy summary(&model, &StatusModel::summaryChanged);

    model.setError(QStringLiteral("Cannot reach http://127.0.0.1:5000/api/status: Connection refused."));

    QCOMPARE(summary.count(), 1);
    QVERIFY(model.hasError());
    QVERIFY(model.errorString().contains(QStringLiteral("Connection refused")));
    QCOMPARE(model.overallHealth(), Health::Unknown);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.lastUpdated(), updated);
}

void TestStatusModel::overallFollowsWorstComponentWhenMissing()
{
    StatusModel model;
    QJsonObject status = statusObject();
    status.remove(QStringLiteral("status"));
    QJsonObject components = status.value(QStringLiteral("components")).toObject();
    components.insert(QStringLiteral("database"), component("degraded", 250));
    QVERIFY(model.applyStatus(doc(withComponents(status, components))));
    QCOMPARE(model.overallHealth(), Health::Degraded);
}

QTEST_MAIN(TestStatusModel)
#include "tst_statusmodel.moc"
