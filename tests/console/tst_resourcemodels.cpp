// The console's resource tables: every model passes QAbstractItemModelTester, and a refresh
// is a diff by id (inserts, removes, dataChanged for changed cells), never a reset.
#include "models/alertsmodel.h"
#include "models/durationtext.h"
#include "models/operationsmodel.h"
#include "models/quarantinemodel.h"
#include "models/syncpairsmodel.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>
#include <memory>

using namespace tf::console;

namespace {

// Shaped like the examples of resources/openapi.yaml.
const char *const pairSample = R"json({
  "id": 3, "name": "PACS", "description": "Nightly copy of the PACS patients",
  "source_system_id": 1, "source_entity": "patients",
  "target_system_id": 2, "target_entity": "patients",
  "definition": { "name": "PACS", "source_system_id": 1, "target_system_id": 2, "mode": "hash",
                  "schedule": "0 2 * * MON-SAT", "batch_size": 3, "enabled": false, "entities": [{}] },
  "enabled": false, "schedule": "0 2 * * MON-SAT", "next_run_at": "2026-11-28T15:06:37.000Z",
  "created_at": "2026-11-28T15:06:37.000Z", "updated_at": "2026-11-28T15:06:37.000Z",
  "last_operation": { "id": 12, "kind": "sync", "status": "failed", "progress": 1,
                      "message": "failed", "result": null,
                      "error": { "code": "timeout", "message": "source did not answer" },
                      "duration_ms": 125000 },
  "open_quarantine": 3 })json";

const char *const operationSample = R"json({
  "id": 3, "kind": "sync", "status": "running", "progress": 0.42, "eta_s": 65,
  "message": "copying patients (3/7)", "result": null, "error": null,
  "created_at": "2026-11-28T15:06:37.000Z", "started_at": "2026-11-28T15:06:38.250Z",
  "finished_at": null, "pair_id": 3, "mode": "hash", "dry_run": false, "full_resync": false,
  "trigger": "manual", "node_id": "node-a", "attempt": 3, "current_entity": "patients",
  "statistics": { "totals": { "read": 5000, "inserted": 10 } }, "cancel_requested": false,
  "lease_owner": "node-a", "lease_expires_at": "2026-11-28T15:06:37.000Z",
  "heartbeat_at": "2026-11-28T15:06:37.000Z", "not_before": null, "retry_of": null,
  "queued_ms": 3, "duration_ms": 2000 })json";

const char *const quarantineSample = R"json({
  "id": 3, "pair_id": 3, "operation_id": 12, "entity": "patients", "source_key": "42",
  "source_row": {}, "transformed_row": {}, "rule": "not_null", "field": "name",
  "message": "name is required", "status": "open", "attempts": 3,
  "created_at": "2026-11-28T15:06:37.000Z", "updated_at": "2026-11-28T15:06:37.000Z" })json";

const char *const alertSample = R"json({
  "id": 3, "rule": "cpu_high", "source": "node-a", "severity": "critical",
  "message": "CPU above 80 %", "status": "acknowledged", "details": { "value": 93.5 },
  "raised_at": "2026-11-28T15:06:37.000Z", "acknowledged_at": "2026-11-28T15:10:00.000Z",
  "acknowledged_by": "alice", "resolved_at": null })json";

QJsonObject object(const char *json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    Q_ASSERT_X(error.error == QJsonParseError::NoError, "object", qPrintable(error.errorString()));
    return document.object();
}

QJsonObject withId(QJsonObject item, qint64 id)
{
    item.insert(QStringLiteral("id"), id);
    return item;
}

// Ids `ids` of one sample.
QJsonArray list(const char *sample, const QList<qint64> &ids)
{
    QJsonArray items;
    for (const qint64 id : ids)
        items.append(withId(object(sample), id));
    return items;
}

std::unique_ptr<ResourceTableModel> makeModel(const QString &kind)
{
    if (kind == QLatin1String("pairs"))
        return std::make_unique<SyncPairsModel>();
    if (kind == QLatin1String("operations"))
        return std::make_unique<OperationsModel>();
    if (kind == QLatin1String("quarantine"))
        return std::make_unique<QuarantineModel>();
    return std::make_unique<AlertsModel>();
}

const char *sampleFor(const QString &kind)
{
    if (kind == QLatin1String("pairs"))
        return pairSample;
    if (kind == QLatin1String("operations"))
        return operationSample;
    if (kind == QLatin1String("quarantine"))
        return quarantineSample;
    return alertSample;
}

QList<qint64> idsOf(const ResourceTableModel &model)
{
    QList<qint64> ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids.append(model.idAt(row));
    return ids;
}

QString cell(const QAbstractItemModel &model, int row, int column, int role = Qt::DisplayRole)
{
    return model.index(row, column).data(role).toString();
}

} // namespace

class TestResourceModels : public QObject
{
    Q_OBJECT

private slots:
    void everyModelPassesTheTester_data();
    void everyModelPassesTheTester();
    void missingFieldsShowEmpty_data() { everyModelPassesTheTester_data(); }
    void missingFieldsShowEmpty();
    void samplesShowTheirFields();
    void refreshIsADiffById();
    void unchangedRefreshEmitsNothing();
    void itemsWithoutIntegerIdAreSkipped();
    void upsertAndRemoveFromTheChangeFeed();
    void selectionSurvivesRefreshThroughSortProxy();
    void tenThousandRowsWithOnePercentChanged();
    void timesFollowTheFormatter();
    void durationsReadAsPeopleSay_data();
    void durationsReadAsPeopleSay();
};

void TestResourceModels::everyModelPassesTheTester_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("sync pairs") << QStringLiteral("pairs");
    QTest::newRow("operations") << QStringLiteral("operations");
    QTest::newRow("quarantine") << QStringLiteral("quarantine");
    QTest::newRow("alerts") << QStringLiteral("alerts");
}

void TestResourceModels::everyModelPassesTheTester()
{
    QFETCH(QString, kind);
    const auto model = makeModel(kind);
    QAbstractItemModelTester tester(model.get(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy resets(model.get(), &QAbstractItemModel::modelAboutToBeReset);
    const char *sample = sampleFor(kind);

    model->applyItems(list(sample, { 1, 2, 3, 4, 5 }));
    QCOMPARE(model->rowCount(), 5);
    for (int c = 0; c < model->columnCount(); ++c)
        QVERIFY2(!model->headerData(c, Qt::Horizontal).toString().isEmpty(), qPrintable(kind));

    QJsonArray changed = list(sample, { 5, 1, 3, 6, 7 });
    QJsonObject first = changed.at(1).toObject();
    first.insert(QStringLiteral("message"), QStringLiteral("changed"));
    first.insert(QStringLiteral("name"), QStringLiteral("changed"));
    changed.replace(1, first);
    model->applyItems(changed);
    QCOMPARE(idsOf(*model), (QList<qint64> { 1, 3, 5, 6, 7 }));

    model->upsert(withId(object(sample), 9));
    model->upsert(withId(QJsonObject { { QStringLiteral("status"), QStringLiteral("x") } }, 3));
    model->removeId(5);
    model->removeId(42);
    model->applyItems({});
    QCOMPARE(model->rowCount(), 0);
    model->applyItems(list(sample, { 8 }));
    QCOMPARE(model->rowCount(), 1);

    QCOMPARE(model->resetCount(), 0);
    QCOMPARE(resets.count(), 0);
}

void TestResourceModels::missingFieldsShowEmpty()
{
    QFETCH(QString, kind);
    const auto model = makeModel(kind);
    QAbstractItemModelTester tester(model.get(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    // Only an id, then every field of the wrong type.
    QJsonObject wrong { { QStringLiteral("id"), 2 } };
    const QJsonObject sample = object(sampleFor(kind));
    for (auto it = sample.constBegin(); it != sample.constEnd(); ++it) {
        if (it.key() != QLatin1String("id"))
            wrong.insert(it.key(), QJsonValue(QJsonArray { 1, 2 }));
    }
    model->applyItems(QJsonArray { QJsonObject { { QStringLiteral("id"), 1 } }, wrong });
    QCOMPARE(model->rowCount(), 2);
    const int roles[] = { Qt::DisplayRole, Qt::ToolTipRole, ResourceTableModel::SortRole,
                          ResourceTableModel::ProgressRole };
    for (int row = 0; row < 2; ++row) {
        for (int c = 0; c < model->columnCount(); ++c) {
            for (const int role : roles) {
                const QVariant value = model->index(row, c).data(role);
                // The id columns show the id; nothing else may invent a value.
                if (value.isValid() && value.toLongLong() != row + 1)
                    QFAIL(qPrintable(QStringLiteral("%1 row %2 column %3 role %4: %5")
                                         .arg(kind)
                                         .arg(row)
                                         .arg(c)
                                         .arg(role)
                                         .arg(value.toString())));
            }
        }
        QCOMPARE(model->index(row, 0).data(ResourceTableModel::IdRole).toLongLong(), row + 1);
    }
}

void TestResourceModels::samplesShowTheirFields()
{
    SyncPairsModel pairs;
    pairs.applyItems(QJsonArray { object(pairSample) });
    QCOMPARE(cell(pairs, 0, SyncPairsModel::NameColumn), QStringLiteral("PACS"));
    QCOMPARE(cell(pairs, 0, SyncPairsModel::SystemsColumn), QStringLiteral("1 → 2"));
    QCOMPARE(cell(pairs, 0, SyncPairsModel::SystemsColumn, Qt::ToolTipRole),
             QStringLiteral("patients → patients"));
    QCOMPARE(cell(pairs, 0, SyncPairsModel::ModeColumn), QStringLiteral("hash"));
    QCOMPARE(cell(pairs, 0, SyncPairsModel::EnabledColumn), QStringLiteral("disabled"));
    QCOMPARE(cell(pairs, 0, SyncPairsModel::ScheduleColumn), QStringLiteral("0 2 * * MON-SAT"));
    QCOMPARE(cell(pairs, 0, SyncPairsModel::NextRunColumn), QStringLiteral("2026-11-28T15:06:37Z"));
    QCOMPARE(cell(pairs, 0, SyncPairsModel::LastRunColumn), QStringLiteral("failed"));
    QCOMPARE(cell(pairs, 0, SyncPairsModel::LastRunColumn, Qt::ToolTipRole),
             QStringLiteral("source did not answer"));
    QCOMPARE(cell(pairs, 0, SyncPairsModel::LastDurationColumn), QStringLiteral("2 min 5 s"));
    QCOMPARE(pairs.index(0, SyncPairsModel::LastDurationColumn)
                 .data(ResourceTableModel::SortRole)
                 .toLongLong(),
             125000);
    QCOMPARE(pairs.index(0, SyncPairsModel::OpenQuarantineColumn).data().toLongLong(), 3);
    // The backlog the sync pairs page adds: queued + running, and overdue.
    QVERIFY(!pairs.index(0, SyncPairsModel::BacklogColumn).data().isValid());
    QJsonObject withBacklog = object(pairSample);
    withBacklog.insert(QStringLiteral("backlog"), QJsonObject { { QStringLiteral("queued"), 2 },
                                                               { QStringLiteral("running"), 1 },
                                                               { QStringLiteral("overdue"), true } });
    pairs.upsert(withBacklog);
    QCOMPARE(cell(pairs, 0, SyncPairsModel::BacklogColumn), QStringLiteral("3 (1 running) overdue"));
    QCOMPARE(pairs.index(0, SyncPairsModel::BacklogColumn).data(ResourceTableModel::SortRole).toInt(), 4);
    QVERIFY(cell(pairs, 0, SyncPairsModel::BacklogColumn, Qt::ToolTipRole).contains(QStringLiteral("2 operation(s) queued and 1 running")));
    QVERIFY(pairs.index(0, SyncPairsModel::BacklogColumn).data(Qt::ForegroundRole).isValid());
    withBacklog.insert(QStringLiteral("backlog"), QJsonObject { { QStringLiteral("queued"), 0 },
                                                               { QStringLiteral("running"), 0 },
                                                               { QStringLiteral("overdue"), false } });
    pairs.upsert(withBacklog);
    QCOMPARE(cell(pairs, 0, SyncPairsModel::BacklogColumn), QStringLiteral("0"));
    QVERIFY(!pairs.index(0, SyncPairsModel::BacklogColumn).data(Qt::ForegroundRole).isValid());
    QCOMPARE(pairs.itemAt(0).value(QStringLiteral("name")).toString(), QStringLiteral("PACS"));
    QCOMPARE(pairs.rowOf(3), 0);
    QCOMPARE(pairs.rowOf(4), -1);
    QCOMPARE(pairs.idAt(1), -1);

    OperationsModel operations;
    operations.applyItems(QJsonArray { object(operationSample) });
    QCOMPARE(cell(operations, 0, OperationsModel::ProgressColumn), QStringLiteral("42 %"));
    QCOMPARE(operations.index(0, OperationsModel::ProgressColumn)
                 .data(ResourceTableModel::ProgressRole)
                 .toDouble(),
             0.42);
    QCOMPARE(cell(operations, 0, OperationsModel::EtaColumn), QStringLiteral("1 min 5 s"));
    QCOMPARE(operations.index(0, OperationsModel::EtaColumn).data(ResourceTableModel::SortRole).toInt(), 65);
    QJsonObject nearlyDone = object(operationSample);
    nearlyDone.insert(QStringLiteral("eta_s"), 12);
    QCOMPARE(OperationsModel::etaText(nearlyDone), QStringLiteral("12 s"));
    nearlyDone.insert(QStringLiteral("eta_s"), 0);
    QCOMPARE(OperationsModel::etaText(nearlyDone), QStringLiteral("< 1 s"));
    QCOMPARE(cell(operations, 0, OperationsModel::RowsPerSecondColumn), QStringLiteral("2500"));
    QCOMPARE(cell(operations, 0, OperationsModel::NodeColumn), QStringLiteral("node-a"));
    QCOMPARE(operations.index(0, OperationsModel::AttemptColumn).data().toInt(), 3);
    QCOMPARE(cell(operations, 0, OperationsModel::StartedColumn),
             QStringLiteral("2026-11-28T15:06:38Z"));
    QCOMPARE(cell(operations, 0, OperationsModel::StartedColumn, Qt::ToolTipRole),
             QStringLiteral("2026-11-28T15:06:38.250Z"));
    QVERIFY(!operations.index(0, OperationsModel::FinishedColumn).data().isValid());
    QVERIFY(!operations.index(0, OperationsModel::ErrorColumn).data().isValid());
    QJsonObject failed = object(operationSample);
    failed.insert(QStringLiteral("status"), QStringLiteral("failed"));
    failed.insert(QStringLiteral("error"),
                  QJsonObject { { QStringLiteral("code"), QStringLiteral("timeout") },
                                { QStringLiteral("message"), QStringLiteral("no answer") } });
    failed.insert(QStringLiteral("statistics"),
                  QJsonObject { { QStringLiteral("rows_per_second"), 7.2 } });
    operations.upsert(failed);
    QCOMPARE(cell(operations, 0, OperationsModel::ErrorColumn), QStringLiteral("no answer"));
    QCOMPARE(cell(operations, 0, OperationsModel::ErrorColumn, Qt::ToolTipRole),
             QStringLiteral("timeout: no answer"));
    QCOMPARE(cell(operations, 0, OperationsModel::RowsPerSecondColumn), QStringLiteral("7.2"));
    QVERIFY(!operations.index(0, OperationsModel::EtaColumn).data().isValid()); // not running

    QuarantineModel quarantine;
    quarantine.applyItems(QJsonArray { object(quarantineSample) });
    QCOMPARE(cell(quarantine, 0, QuarantineModel::PairColumn), QStringLiteral("3"));
    QCOMPARE(cell(quarantine, 0, QuarantineModel::EntityColumn), QStringLiteral("patients"));
    QCOMPARE(cell(quarantine, 0, QuarantineModel::RuleColumn), QStringLiteral("not_null"));
    QCOMPARE(cell(quarantine, 0, QuarantineModel::FieldColumn), QStringLiteral("name"));
    QCOMPARE(cell(quarantine, 0, QuarantineModel::AttemptsColumn), QStringLiteral("3"));
    QCOMPARE(cell(quarantine, 0, QuarantineModel::StatusColumn), QStringLiteral("open"));

    AlertsModel alerts;
    alerts.applyItems(QJsonArray { object(alertSample) });
    QCOMPARE(cell(alerts, 0, AlertsModel::SeverityColumn), QStringLiteral("critical"));
    QCOMPARE(
        alerts.index(0, AlertsModel::SeverityColumn).data(ResourceTableModel::SortRole).toInt(), 2);
    QCOMPARE(cell(alerts, 0, AlertsModel::StatusColumn), QStringLiteral("acknowledged"));
    QCOMPARE(cell(alerts, 0, AlertsModel::AcknowledgedByColumn), QStringLiteral("alice"));
    QCOMPARE(cell(alerts, 0, AlertsModel::AcknowledgedAtColumn),
             QStringLiteral("2026-11-28T15:10:00Z"));
    QCOMPARE(cell(alerts, 0, AlertsModel::ValueColumn), QStringLiteral("93.5"));
}

void TestResourceModels::refreshIsADiffById()
{
    QuarantineModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.applyItems(list(quarantineSample, { 1, 2, 3, 4, 5, 6 }));

    QSignalSpy resets(&model, &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    // 2 and 5 go, 3 changes its status, 8 and 7 arrive (in that order); 1, 4, 6 stay as they were.
    QJsonArray next = list(quarantineSample, { 8, 6, 4, 3, 1, 7 });
    QJsonObject three = next.at(3).toObject();
    three.insert(QStringLiteral("status"), QStringLiteral("replayed"));
    three.insert(QStringLiteral("updated_at"), QStringLiteral("2026-11-29T00:00:00Z")); // no column
    next.replace(3, three);
    model.applyItems(next);

    QCOMPARE(idsOf(model), (QList<qint64> { 1, 3, 4, 6, 8, 7 }));
    QCOMPARE(resets.count(), 0);
    QCOMPARE(model.resetCount(), 0);

    QCOMPARE(removed.count(), 2); // from the bottom up: row 4 (id 5), then row 1 (id 2)
    QCOMPARE(removed.at(0).at(1).toInt(), 4);
    QCOMPARE(removed.at(0).at(2).toInt(), 4);
    QCOMPARE(removed.at(1).at(1).toInt(), 1);
    QCOMPARE(removed.at(1).at(2).toInt(), 1);

    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 4);
    QCOMPARE(inserted.at(0).at(2).toInt(), 5);

    QCOMPARE(changed.count(), 1); // only row of id 3, only its status cell
    const auto topLeft = changed.at(0).at(0).value<QModelIndex>();
    const auto bottomRight = changed.at(0).at(1).value<QModelIndex>();
    QCOMPARE(topLeft.row(), model.rowOf(3));
    QCOMPARE(bottomRight.row(), model.rowOf(3));
    QCOMPARE(topLeft.column(), int(QuarantineModel::StatusColumn));
    QCOMPARE(bottomRight.column(), int(QuarantineModel::StatusColumn));
    QCOMPARE(cell(model, model.rowOf(3), QuarantineModel::StatusColumn),
             QStringLiteral("replayed"));
    QCOMPARE(model.itemAt(model.rowOf(3)).value(QStringLiteral("updated_at")).toString(),
             QStringLiteral("2026-11-29T00:00:00Z"));
}

void TestResourceModels::unchangedRefreshEmitsNothing()
{
    AlertsModel model;
    model.applyItems(list(alertSample, { 1, 2, 3 }));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
    model.applyItems(list(alertSample, { 3, 2, 1 })); // another order is not a change
    QCOMPARE(changed.count() + removed.count() + inserted.count() + layout.count(), 0);
    QCOMPARE(idsOf(model), (QList<qint64> { 1, 2, 3 }));
}

void TestResourceModels::itemsWithoutIntegerIdAreSkipped()
{
    OperationsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QJsonArray items = list(operationSample, { 1 });
    items.append(QJsonObject { { QStringLiteral("id"), QStringLiteral("2") } });
    items.append(QJsonObject { { QStringLiteral("id"), 2.5 } });
    items.append(QJsonObject { { QStringLiteral("status"), QStringLiteral("queued") } });
    items.append(QStringLiteral("not an object"));
    // A repeated id: the last object wins, at the first one's place.
    QJsonObject again = withId(object(operationSample), 1);
    again.insert(QStringLiteral("status"), QStringLiteral("completed"));
    items.append(again);
    for (int i = 0; i < 4; ++i)
        QTest::ignoreMessage(QtWarningMsg, "skipping an item without an integer id");
    model.applyItems(items);
    QCOMPARE(idsOf(model), (QList<qint64> { 1 }));
    QCOMPARE(cell(model, 0, OperationsModel::StatusColumn), QStringLiteral("completed"));
}

void TestResourceModels::upsertAndRemoveFromTheChangeFeed()
{
    OperationsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.applyItems(list(operationSample, { 1, 2, 3 }));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

    QJsonObject progressed = withId(object(operationSample), 2);
    progressed.insert(QStringLiteral("progress"), 0.9);
    model.upsert(progressed);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>().column(),
             int(OperationsModel::ProgressColumn));
    QCOMPARE(changed.at(0).at(1).value<QModelIndex>().column(),
             int(OperationsModel::ProgressColumn));
    QCOMPARE(model.index(1, OperationsModel::ProgressColumn)
                 .data(ResourceTableModel::ProgressRole)
                 .toDouble(),
             0.9);

    model.upsert(progressed); // the same again: nothing to say
    QCOMPARE(changed.count(), 1);

    model.upsert(withId(object(operationSample), 10));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 3);
    QCOMPARE(model.rowOf(10), 3);

    model.removeId(1);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 0);
    QCOMPARE(idsOf(model), (QList<qint64> { 2, 3, 10 }));
    QCOMPARE(model.rowOf(10), 2);
    QCOMPARE(model.rowOf(1), -1);
    QCOMPARE(model.resetCount(), 0);
}

void TestResourceModels::selectionSurvivesRefreshThroughSortProxy()
{
    SyncPairsModel model;
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(ResourceTableModel::SortRole);
    proxy.setDynamicSortFilter(true);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);

    QJsonArray items;
    for (qint64 id = 1; id <= 20; ++id) {
        QJsonObject pair = withId(object(pairSample), id);
        pair.insert(QStringLiteral("name"),
                    QStringLiteral("pair %1").arg(id, 2, 10, QLatin1Char('0')));
        items.append(pair);
    }
    model.applyItems(items);
    proxy.sort(SyncPairsModel::NameColumn, Qt::DescendingOrder);

    QItemSelectionModel selection(&proxy);
    const auto proxyRowOf
        = [&](qint64 id) { return proxy.mapFromSource(model.index(model.rowOf(id), 0)).row(); };
    selection.setCurrentIndex(proxy.index(proxyRowOf(7), 0),
                              QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QCOMPARE(selection.selectedRows().size(), 1);

    // Pairs 1-5 go away, 21 arrives, 7 is renamed so it sorts to the top, 8 changes too.
    QJsonArray next;
    for (qint64 id = 6; id <= 21; ++id) {
        QJsonObject pair = withId(object(pairSample), id);
        pair.insert(QStringLiteral("name"),
                    QStringLiteral("pair %1").arg(id, 2, 10, QLatin1Char('0')));
        if (id == 7)
            pair.insert(QStringLiteral("name"), QStringLiteral("zz pair 7"));
        if (id == 8)
            pair.insert(QStringLiteral("enabled"), true);
        next.append(pair);
    }
    model.applyItems(next);

    QCOMPARE(model.resetCount(), 0);
    QCOMPARE(proxy.rowCount(), 16);
    QCOMPARE(proxyRowOf(7), 0);
    const QModelIndexList selected = selection.selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().data(ResourceTableModel::IdRole).toLongLong(), 7);
    QCOMPARE(selection.currentIndex().data(ResourceTableModel::IdRole).toLongLong(), 7);
}

void TestResourceModels::tenThousandRowsWithOnePercentChanged()
{
    constexpr qint64 count = 10000;
    OperationsModel model;
    const QJsonObject sample = object(operationSample);
    QJsonArray items;
    for (qint64 id = 1; id <= count; ++id)
        items.append(withId(sample, id));
    model.applyItems(items);
    QCOMPARE(model.rowCount(), int(count));

    // 1 %: 50 updated (every 200th id), 25 removed (every 400th, offset), 25 new ids.
    QJsonArray next;
    QList<qint64> expected;
    for (qint64 id = 1; id <= count; ++id) {
        if (id % 400 == 100)
            continue;
        QJsonObject item = withId(sample, id);
        if (id % 200 == 0)
            item.insert(QStringLiteral("progress"), 0.5);
        next.append(item);
        expected.append(id);
    }
    for (qint64 id = count + 1; id <= count + 25; ++id) {
        next.append(withId(sample, id));
        expected.append(id);
    }

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.applyItems(next);

    QCOMPARE(model.resetCount(), 0);
    QCOMPARE(idsOf(model), expected);
    QCOMPARE(changed.count(), 50);
    for (const auto &signal : changed) {
        const auto index = signal.at(0).value<QModelIndex>();
        QCOMPARE(model.idAt(index.row()) % 200, 0);
        QCOMPARE(index.column(), int(OperationsModel::ProgressColumn));
        QCOMPARE(index.data(ResourceTableModel::ProgressRole).toDouble(), 0.5);
    }
    int removedRows = 0;
    for (const auto &signal : removed)
        removedRows += signal.at(2).toInt() - signal.at(1).toInt() + 1;
    QCOMPARE(removedRows, 25);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(2).toInt() - inserted.at(0).at(1).toInt() + 1, 25);
    for (int row = 0; row < model.rowCount(); row += 997)
        QCOMPARE(model.rowOf(model.idAt(row)), row);
}

void TestResourceModels::timesFollowTheFormatter()
{
    AlertsModel model;
    QJsonObject alert = withId(object(alertSample), 1);
    alert.insert(QStringLiteral("raised_at"), QStringLiteral("2025-01-31T04:00:00.123456+02:00"));
    model.applyItems(QJsonArray { alert });
    QCOMPARE(cell(model, 0, AlertsModel::RaisedColumn), QStringLiteral("2025-01-31T02:00:00Z"));
    QCOMPARE(
        model.index(0, AlertsModel::RaisedColumn).data(ResourceTableModel::SortRole).toDateTime(),
        QDateTime(QDate(2025, 1, 31), QTime(2, 0, 0, 123), Qt::UTC));

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setTimeFormatter([](const QDateTime &time) {
        return time.toUTC().toString(QStringLiteral("dd.MM.yyyy HH:mm"));
    });
    QCOMPARE(changed.count(), 2); // the two time columns, nothing else
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>().column(), int(AlertsModel::RaisedColumn));
    QCOMPARE(changed.at(1).at(0).value<QModelIndex>().column(),
             int(AlertsModel::AcknowledgedAtColumn));
    QCOMPARE(cell(model, 0, AlertsModel::RaisedColumn), QStringLiteral("31.01.2025 02:00"));
    QCOMPARE(cell(model, 0, AlertsModel::AcknowledgedAtColumn), QStringLiteral("28.11.2026 15:10"));
    QCOMPARE(model.resetCount(), 0);
}

void TestResourceModels::durationsReadAsPeopleSay_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("negative") << qint64(-1) << QString();
    QTest::newRow("ms") << qint64(850) << QStringLiteral("850 ms");
    QTest::newRow("s") << qint64(12400) << QStringLiteral("12.4 s");
    QTest::newRow("min") << qint64(185000) << QStringLiteral("3 min 5 s");
    QTest::newRow("h") << qint64(7800000) << QStringLiteral("2 h 10 min");
    QTest::newRow("d") << qint64(90000000) << QStringLiteral("1 d 1 h");
}

void TestResourceModels::durationsReadAsPeopleSay()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(durationText(ms), text);
}

QTEST_GUILESS_MAIN(TestResourceModels)
#include "tst_resourcemodels.moc"
