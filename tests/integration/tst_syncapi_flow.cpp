// The demo property pair through the sync API, in process over real loopback HTTP, on a
// SQLite control database and again on a scratch PostgreSQL one: systems and pair created
// over HTTP, the pair tested against the real schemas (and broken pairs reported, not 500),
// a dry run's change set, a real run, then the quarantine listed, edited, replayed and
// discarded over HTTP. Workers are not part of this test: it claims the queued operations
// itself and runs SyncRunner as a worker would.
#include "sync/engine/syncrunner.h"
#include "sync/queue/operationqueue.h"
#include "sync/runtime/pairruntime.h"
#include "tst_syncapi_fixture.h"

using namespace tf;
using namespace tf::test;

namespace {

const QString kNode = QStringLiteral("flow-worker");

QJsonArray items(const HttpResult &result)
{
    return result.json().value(QStringLiteral("items")).toArray();
}

} // namespace

class TestSyncApiFlow final : public QObject
{
    Q_OBJECT

public:
    explicit TestSyncApiFlow(Backend backend)
        : m_backend(backend)
    { }

private:
    Backend m_backend;
    SyncApiFixture m_api;
    sync::DemoSummary m_summary;
    qint64 m_pacs = 0, m_cama = 0, m_pair = 0;
    qint64 m_broken = 0; // Property rows the demo broke on purpose
    qint64 m_parcels = 0;
    qint64 m_dryRun = 0; // the finished dry run of dryRunChangeSet

    qint64 create(const QString &path, const QJsonObject &body) { return m_api.create(path, body); }


    // What a worker does with a claimed operation: run the pair, record the outcome.
    sync::RunResult runClaimed(qint64 expectedOperation, bool dryRun)
    {
        sync::OperationQueue queue(m_api.control());
        const auto claimed = queue.claim(kNode, std::chrono::seconds(60));
        if (!claimed || claimed->id != expectedOperation) {
            qWarning() << "claimed" << (claimed ? claimed->id : 0) << "expected"
                       << expectedOperation;
            sync::RunResult failed;
            failed.status = sync::RunStatus::Failed;
            failed.error = QStringLiteral("the test did not claim the expected operation");
            return failed;
        }
        auto runtime = sync::PairRuntime::open(m_api.control(), m_api.secrets(),
                                               QString::number(claimed->pairId));
        sync::SyncRunner runner(runtime->spec, *runtime->source, *runtime->target,
                                *runtime->quarantine, runtime->detachedState());
        sync::RunOptions options;
        options.operationId = claimed->id;
        options.dryRun = dryRun;
        const sync::RunResult result = runner.run(options);
        if (dryRun) {
            QJsonArray changes;
            for (const sync::PlannedChange &change : result.changes)
                changes.append(change.toJson());
            queue.saveChanges(claimed->id, changes);
        }
        queue.appendLog(claimed->id, QStringLiteral("run by the test"));
        queue.finish(claimed->id, kNode, sync::runStatusName(result.status), result.toJson(),
                     result.error);
        return result;
    }

    QList<QJsonObject> quarantine(const QString &status)
    {
        QList<QJsonObject> entries;
        QString path
            = QStringLiteral("/sync-pairs/%1/quarantine?status=%2&limit=3").arg(m_pair).arg(status);
        for (int pages = 0; !path.isEmpty() && pages < 50; ++pages) {
            const HttpResult page = m_api.call("GET", path);
            if (page.status != 200)
                qWarning().noquote() << describe(page);
            for (const QJsonValue &entry : items(page))
                entries << entry.toObject();
            const QJsonValue next = page.json().value(QStringLiteral("next_cursor"));
            path = next.isNull()
                ? QString()
                : QStringLiteral("/sync-pairs/%1/quarantine?status=%2&limit=3&cursor=%3")
                      .arg(m_pair)
                      .arg(status)
                      .arg(next.toString());
        }
        return entries;
    }

    QJsonObject entryFor(const QString &field)
    {
        for (const QJsonObject &entry : quarantine(QStringLiteral("open"))) {
            if (entry.value(QStringLiteral("field")).toString() == field)
                return entry;
        }
        return {};
    }

    HttpResult putRow(qint64 id, const QJsonObject &row)
    {
        return m_api.call("PUT", QStringLiteral("/quarantine/%1").arg(id),
                          QJsonObject { { QStringLiteral("row"), row } });
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString url = m_api.controlUrl(m_backend);
        TF_REQUIRE_POSTGRES(url);
        QVERIFY2(m_api.start(url), "the control database did not open");
        m_summary = m_api.makeDemoSystems(100);
        m_parcels = m_summary.rowCount(QStringLiteral("Property"));
        QCOMPARE(m_parcels, qint64(100));
        m_broken = m_summary.brokenKeys(QStringLiteral("Property")).size();
        QVERIFY(m_broken >= 3);
        m_pacs = create(QStringLiteral("/systems"),
                        SyncApiFixture::sqliteSystem(QStringLiteral("PACS (demo)"), m_api.pacsPath()));
        m_cama = create(QStringLiteral("/systems"),
                        SyncApiFixture::sqliteSystem(QStringLiteral("CAMA (demo)"), m_api.camaPath()));
        QVERIFY(m_pacs > 0 && m_cama > 0);
        m_pair = create(QStringLiteral("/sync-pairs"),
                        SyncApiFixture::demoPair(QStringLiteral("property"), m_pacs, m_cama));
        QVERIFY(m_pair > 0);
    }

    void cleanupTestCase() { m_api.stop(); }

    void pairTestPassesAgainstTheRealSchemas()
    {
        const HttpResult result
            = m_api.call("POST", QStringLiteral("/sync-pairs/%1/test").arg(m_pair));
        QVERIFY2(result.status == 200, qPrintable(describe(result)));
        const QJsonObject body = result.json();
        QVERIFY2(body.value(QStringLiteral("ok")).toBool(), qPrintable(describe(result)));
        QVERIFY(body.value(QStringLiteral("source"))[QStringLiteral("ok")].toBool());
        QVERIFY(body.value(QStringLiteral("target"))[QStringLiteral("ok")].toBool());
        const QJsonArray entities = body.value(QStringLiteral("entities")).toArray();
        QCOMPARE(entities.size(), 1);
        const QJsonObject property = entities.at(0).toObject();
        QVERIFY(property.value(QStringLiteral("source_ok")).toBool());
        QVERIFY(property.value(QStringLiteral("target_ok")).toBool());
        QCOMPARE(property.value(QStringLiteral("columns")).toArray().size(), 11);
        QCOMPARE(property.value(QStringLiteral("errors")).toArray().size(), 0);
    }

    void brokenPairsAreReportedNotFailed()
    {
        QJsonObject definition
            = SyncApiFixture::demoPair(QStringLiteral("property"), m_pacs, m_cama);
        definition.insert(QStringLiteral("name"), QStringLiteral("broken mapping"));
        QJsonArray entities = definition.value(QStringLiteral("entities")).toArray();
        QJsonObject entity = entities.at(0).toObject();
        QJsonObject mapping = entity.value(QStringLiteral("mapping")).toObject();
        QJsonArray fields = mapping.value(QStringLiteral("fields")).toArray();
        QJsonObject address = fields.at(2).toObject();
        address.insert(QStringLiteral("source"), QStringLiteral("NoSuchColumn"));
        fields[2] = address;
        mapping.insert(QStringLiteral("fields"), fields);
        entity.insert(QStringLiteral("mapping"), mapping);
        entities[0] = entity;
        definition.insert(QStringLiteral("entities"), entities);
        const qint64 badMapping = create(QStringLiteral("/sync-pairs"), definition);
        QVERIFY(badMapping > 0);
        const HttpResult mappingTest
            = m_api.call("POST", QStringLiteral("/sync-pairs/%1/test").arg(badMapping));
        QVERIFY2(mappingTest.status == 200, qPrintable(describe(mappingTest)));
        QCOMPARE(mappingTest.json().value(QStringLiteral("ok")).toBool(), false);
        const QJsonObject reported
            = mappingTest.json().value(QStringLiteral("entities"))[0].toObject();
        QVERIFY(reported.value(QStringLiteral("source_ok")).toBool());
        const QJsonArray errors = reported.value(QStringLiteral("errors")).toArray();
        QVERIFY2(!errors.isEmpty(), qPrintable(describe(mappingTest)));
        QVERIFY2(errors.at(0)[QStringLiteral("field")].toString().startsWith(
                     QLatin1String("entities[0].mapping.fields[2]")),
                 qPrintable(describe(mappingTest)));
        QVERIFY(errors.at(0)[QStringLiteral("message")].toString().contains(
            QStringLiteral("NoSuchColumn")));

        // A target that cannot be reached is a finding, not a 500.
        const qint64 nowhere
            = create(QStringLiteral("/systems"),
                     QJsonObject {
                         { QStringLiteral("name"), QStringLiteral("Nowhere") },
                         { QStringLiteral("kind"), QStringLiteral("postgres") },
                         { QStringLiteral("settings"),
                           QJsonObject { { QStringLiteral("url"),
                                           QStringLiteral("postgresql://127.0.0.1:1/cama") } } } });
        QVERIFY(nowhere > 0);
        QJsonObject unreachable
            = SyncApiFixture::demoPair(QStringLiteral("property"), m_pacs, nowhere);
        unreachable.insert(QStringLiteral("name"), QStringLiteral("unreachable target"));
        const qint64 badTarget = create(QStringLiteral("/sync-pairs"), unreachable);
        QVERIFY(badTarget > 0);
        const HttpResult targetTest
            = m_api.call("POST", QStringLiteral("/sync-pairs/%1/test").arg(badTarget));
        QVERIFY2(targetTest.status == 200, qPrintable(describe(targetTest)));
        QCOMPARE(targetTest.json().value(QStringLiteral("ok")).toBool(), false);
        QVERIFY(targetTest.json().value(QStringLiteral("source"))[QStringLiteral("ok")].toBool());
        QCOMPARE(targetTest.json().value(QStringLiteral("target"))[QStringLiteral("ok")].toBool(),
                 false);
        QVERIFY(!targetTest.json()
                     .value(QStringLiteral("target"))[QStringLiteral("error")]
                     .toString()
                     .isEmpty());
        QCOMPARE(targetTest.json()
                     .value(QStringLiteral("entities"))[0][QStringLiteral("target_ok")]
                     .toBool(),
                 false);

        QCOMPARE(m_api.call("DELETE", QStringLiteral("/sync-pairs/%1").arg(badMapping)).status,
                 200);
        QCOMPARE(m_api.call("DELETE", QStringLiteral("/sync-pairs/%1").arg(badTarget)).status, 200);
        QCOMPARE(m_api.call("DELETE", QStringLiteral("/systems/%1").arg(nowhere)).status, 200);
    }

    void dryRunChangeSet()
    {
        const HttpResult started = m_api.call("POST", QStringLiteral("/sync/%1/start").arg(m_pair),
                                              QJsonObject { { QStringLiteral("dry_run"), true } });
        QVERIFY2(started.status == 202, qPrintable(describe(started)));
        QCOMPARE(started.json().value(QStringLiteral("status")).toString(),
                 QStringLiteral("queued"));
        const qint64 id = started.json().value(QStringLiteral("id")).toInteger();
        m_dryRun = id;
        const HttpResult early
            = m_api.call("GET", QStringLiteral("/sync-operations/%1/changes").arg(id));
        QCOMPARE(early.status, 200);
        QCOMPARE(items(early).size(), 0); // queued: nothing planned yet

        const sync::RunResult result = runClaimed(id, true);
        QVERIFY2(result.status != sync::RunStatus::Failed, qPrintable(result.error));
        // The change set in pages of 40, following next_cursor.
        int inserts = 0;
        int pages = 0;
        QString path = QStringLiteral("/sync-operations/%1/changes?limit=40").arg(id);
        while (!path.isEmpty() && pages < 10) {
            const HttpResult changes = m_api.call("GET", path);
            QVERIFY2(changes.status == 200, qPrintable(describe(changes)));
            for (const QJsonValue &change : items(changes)) {
                QCOMPARE(change[QStringLiteral("entity")].toString(), QStringLiteral("property"));
                inserts += change[QStringLiteral("kind")].toString() == QLatin1String("insert") ? 1 : 0;
            }
            const QJsonValue next = changes.json().value(QStringLiteral("next_cursor"));
            path = next.isNull() ? QString()
                                 : QStringLiteral("/sync-operations/%1/changes?limit=40&cursor=%2").arg(id).arg(next.toString());
            ++pages;
        }
        QCOMPARE(qint64(inserts), m_parcels - m_broken);
        QCOMPARE(pages, int((m_parcels - m_broken + 39) / 40));
        QCOMPARE(m_api.camaCount(QStringLiteral("cama_property")),
                 qint64(0)); // a dry run writes nothing

        const HttpResult operation
            = m_api.call("GET", QStringLiteral("/sync-operations/%1").arg(id));
        QCOMPARE(operation.json().value(QStringLiteral("node_id")).toString(), kNode);
        // planned_changes (all the run planned) is in the statistics and the result.
        QCOMPARE(operation.json()[QStringLiteral("statistics")][QStringLiteral("planned_changes")].toInteger(),
                 result.plannedChanges);
        QCOMPARE(operation.json().value(QStringLiteral("result")), operation.json().value(QStringLiteral("statistics")));
        QCOMPARE(operation.json().value(QStringLiteral("progress")).toDouble(), 1.0);
        QCOMPARE(operation.json().value(QStringLiteral("kind")).toString(), QStringLiteral("sync"));
        QVERIFY(operation.json().value(QStringLiteral("error")).isNull());
        QVERIFY(!operation.json().contains(QStringLiteral("progress_percent")));
        QVERIFY(!operation.headers.contains("retry-after")); // finished: nothing to poll
        QVERIFY(operation.json()
                    .value(QStringLiteral("log"))
                    .toArray()
                    .last()
                    .toString()
                    .endsWith(QStringLiteral("run by the test")));
        QVERIFY(!operation.json().value(QStringLiteral("finished_at")).isNull());
    }

    // GET /sync-operations/<id>/logs: the lines oldest first with their level, keyset-paged by
    // line id; ?after= the last id held lists only the lines written since.
    void operationLogIsTailedByLineId()
    {
        QVERIFY(m_dryRun > 0);
        const QString base = QStringLiteral("/sync-operations/%1/logs").arg(m_dryRun);
        const HttpResult all = m_api.call("GET", base);
        QVERIFY2(all.status == 200, qPrintable(describe(all)));
        const QJsonArray lines = items(all);
        QVERIFY(!lines.isEmpty());
        QVERIFY(all.json().value(QStringLiteral("next_cursor")).isNull());
        QCOMPARE(lines.last()[QStringLiteral("line")].toString(), QStringLiteral("run by the test"));
        QCOMPARE(lines.last()[QStringLiteral("level")].toString(), QStringLiteral("info"));
        // The same lines as the operation's own log array, in the same order.
        const QJsonArray log = m_api.call("GET", QStringLiteral("/sync-operations/%1").arg(m_dryRun))
                                   .json().value(QStringLiteral("log")).toArray();
        QCOMPARE(lines.size(), log.size());
        for (int i = 0; i < lines.size(); ++i)
            QVERIFY(log.at(i).toString().endsWith(lines.at(i)[QStringLiteral("line")].toString()));
        const qint64 last = lines.last()[QStringLiteral("id")].toInteger();

        const HttpResult nothingNew = m_api.call("GET", base + QStringLiteral("?after=%1").arg(last));
        QVERIFY2(nothingNew.status == 200, qPrintable(describe(nothingNew)));
        QCOMPARE(items(nothingNew).size(), 0);

        sync::OperationQueue queue(m_api.control());
        queue.appendLog(m_dryRun, QStringLiteral("attempt 1 failed (transient): connection refused; retry in 2 s"));
        queue.appendLog(m_dryRun, QStringLiteral("failed (permanent): the target refused the row"));
        queue.appendLog(m_dryRun, QStringLiteral("entity property done: 3 read"));
        const HttpResult tail = m_api.call("GET", base + QStringLiteral("?after=%1").arg(last));
        QVERIFY2(tail.status == 200, qPrintable(describe(tail)));
        const QJsonArray added = items(tail);
        QCOMPARE(added.size(), 3);
        QCOMPARE(added.at(0)[QStringLiteral("level")].toString(), QStringLiteral("warning"));
        QCOMPARE(added.at(1)[QStringLiteral("level")].toString(), QStringLiteral("error"));
        QCOMPARE(added.at(1)[QStringLiteral("line")].toString(), QStringLiteral("failed (permanent): the target refused the row"));
        QCOMPARE(added.at(2)[QStringLiteral("level")].toString(), QStringLiteral("info"));
        QVERIFY(added.at(0)[QStringLiteral("id")].toInteger() > last);
        QVERIFY(QDateTime::fromString(added.at(0)[QStringLiteral("created_at")].toString(), Qt::ISODateWithMs).isValid());

        // Pages of 2 following next_cursor give the same lines.
        QStringList paged;
        QString path = base + QStringLiteral("?after=%1&limit=2").arg(last);
        for (int pages = 0; !path.isEmpty() && pages < 5; ++pages) {
            const HttpResult page = m_api.call("GET", path);
            QVERIFY2(page.status == 200, qPrintable(describe(page)));
            for (const QJsonValue &line : items(page))
                paged << line[QStringLiteral("line")].toString();
            const QJsonValue next = page.json().value(QStringLiteral("next_cursor"));
            path = next.isNull() ? QString() : base + QStringLiteral("?limit=2&cursor=%1").arg(next.toString());
        }
        QCOMPARE(paged.size(), 3);
        QCOMPARE(paged.last(), QStringLiteral("entity property done: 3 read"));

        QCOMPARE(m_api.call("GET", base + QStringLiteral("?after=-1")).status, 400);
        QCOMPARE(m_api.call("GET", base + QStringLiteral("?after=x")).status, 400);
        QCOMPARE(m_api.call("GET", base + QStringLiteral("?since=1")).status, 400);
        QCOMPARE(m_api.call("GET", QStringLiteral("/sync-operations/999999/logs")).status, 404);
    }

    void runThenQuarantineOverHttp()
    {
        const HttpResult started = m_api.call("POST", QStringLiteral("/sync/%1/start").arg(m_pair));
        QVERIFY2(started.status == 202, qPrintable(describe(started)));
        const qint64 id = started.json().value(QStringLiteral("id")).toInteger();
        const sync::RunResult result = runClaimed(id, false);
        QCOMPARE(result.status, sync::RunStatus::CompletedWithErrors);
        QCOMPARE(m_api.camaCount(QStringLiteral("cama_property")), m_parcels - m_broken);
        const HttpResult changes
            = m_api.call("GET", QStringLiteral("/sync-operations/%1/changes").arg(id));
        QCOMPARE(changes.status, 409); // not a dry run

        const HttpResult operation
            = m_api.call("GET", QStringLiteral("/sync-operations/%1").arg(id));
        QCOMPARE(operation.json().value(QStringLiteral("status")).toString(),
                 QStringLiteral("completed_with_errors"));
        QCOMPARE(operation.json()
                     .value(QStringLiteral(
                         "statistics"))[QStringLiteral("totals")][QStringLiteral("inserted")]
                     .toInteger(),
                 m_parcels - m_broken);
        const HttpResult pair = m_api.call("GET", QStringLiteral("/sync-pairs/%1").arg(m_pair));
        QCOMPARE(pair.json().value(QStringLiteral("open_quarantine")).toInteger(), m_broken);
        QCOMPARE(
            pair.json().value(QStringLiteral("last_operation"))[QStringLiteral("id")].toInteger(),
            id);

        const QList<QJsonObject> open = quarantine(QStringLiteral("open"));
        QCOMPARE(qint64(open.size()), m_broken);
        for (const QJsonObject &entry : open) {
            QVERIFY(entry.value(QStringLiteral("pair_id")).isDouble()); // an id is a JSON integer
            QCOMPARE(entry.value(QStringLiteral("pair_id")).toInteger(), m_pair);
        }
        const HttpResult one = m_api.call("GET", QStringLiteral("/quarantine/%1").arg(open.first().value(QStringLiteral("id")).toInteger()));
        QVERIFY(one.json().value(QStringLiteral("pair_id")).isDouble());

        // Bad edits name the field.
        const QJsonObject zip = entryFor(QStringLiteral("zip_code"));
        const qint64 zipId = zip.value(QStringLiteral("id")).toInteger();
        QVERIFY(zipId > 0);
        QJsonObject row = zip.value(QStringLiteral("transformed_row")).toObject();
        HttpResult bad = putRow(
            zipId, QJsonObject { { QStringLiteral("zip_code"), QStringLiteral("98101") } });
        QCOMPARE(bad.status, 422);
        QVERIFY2(errorFields(bad).contains(QStringLiteral("row.parcel_number")),
                 qPrintable(describe(bad)));
        QJsonObject extra = row;
        extra.insert(QStringLiteral("bogus"), 1);
        bad = putRow(zipId, extra);
        QCOMPARE(bad.status, 422);
        QVERIFY(errorFields(bad).contains(QStringLiteral("row.bogus")));
        bad = m_api.call("PUT", QStringLiteral("/quarantine/%1").arg(zipId),
                         QByteArray(R"({"row": 5})"));
        QCOMPARE(bad.status, 422);
        QVERIFY(errorFields(bad).contains(QStringLiteral("row")));

        // Fix, replay: the row lands in the target.
        row.insert(QStringLiteral("zip_code"), QStringLiteral("98101"));
        const HttpResult edited = putRow(zipId, row);
        QVERIFY2(edited.status == 200, qPrintable(describe(edited)));
        QCOMPARE(edited.json()
                     .value(QStringLiteral("transformed_row"))[QStringLiteral("zip_code")]
                     .toString(),
                 QStringLiteral("98101"));
        const HttpResult replayed
            = m_api.call("POST", QStringLiteral("/quarantine/%1/replay").arg(zipId));
        QVERIFY2(replayed.status == 200, qPrintable(describe(replayed)));
        QCOMPARE(replayed.json().value(QStringLiteral("replayed")).toInt(), 1);
        QVERIFY(items(replayed).at(0)[QStringLiteral("replayed")].toBool());
        QCOMPARE(m_api.call("GET", QStringLiteral("/quarantine/%1").arg(zipId))
                     .json()
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("replayed"));
        QCOMPARE(m_api.camaCount(QStringLiteral("cama_property")), m_parcels - m_broken + 1);
        QCOMPARE(
            m_api.camaCount(QStringLiteral("cama_property"), QStringLiteral("zip_code = '98101'"))
                >= 1,
            true);
        QCOMPARE(putRow(zipId, row).status, 409);
        QCOMPARE(m_api.call("POST", QStringLiteral("/quarantine/%1/replay").arg(zipId)).status,
                 409);
        QCOMPARE(m_api.call("POST", QStringLiteral("/quarantine/%1/discard").arg(zipId)).status,
                 409);

        // Still wrong after an edit: stays open with the reason.
        const QJsonObject acreage = entryFor(QStringLiteral("acreage"));
        const qint64 acreageId = acreage.value(QStringLiteral("id")).toInteger();
        QVERIFY(acreageId > 0);
        QJsonObject acreageRow = acreage.value(QStringLiteral("transformed_row")).toObject();
        acreageRow.insert(QStringLiteral("acreage"), QStringLiteral("-1.0000"));
        QCOMPARE(putRow(acreageId, acreageRow).status, 200);
        const HttpResult stillBad
            = m_api.call("POST", QStringLiteral("/quarantine/%1/replay").arg(acreageId));
        QVERIFY2(stillBad.status == 200, qPrintable(describe(stillBad)));
        QCOMPARE(items(stillBad).at(0)[QStringLiteral("replayed")].toBool(), false);
        QCOMPARE(
            items(stillBad).at(0)[QStringLiteral("errors")][0][QStringLiteral("field")].toString(),
            QStringLiteral("acreage"));
        QCOMPARE(m_api.call("GET", QStringLiteral("/quarantine/%1").arg(acreageId))
                     .json()
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("open"));

        // Discard one; a discarded entry is not replayed.
        const qint64 parcelId
            = entryFor(QStringLiteral("parcel_number")).value(QStringLiteral("id")).toInteger();
        QVERIFY(parcelId > 0);
        const HttpResult discarded
            = m_api.call("POST", QStringLiteral("/quarantine/%1/discard").arg(parcelId));
        QVERIFY2(discarded.status == 200, qPrintable(describe(discarded)));
        QCOMPARE(discarded.json().value(QStringLiteral("status")).toString(),
                 QStringLiteral("discarded"));
        QCOMPARE(m_api.call("POST", QStringLiteral("/quarantine/%1/replay").arg(parcelId)).status,
                 409);
        QCOMPARE(putRow(parcelId, QJsonObject {}).status,
                 409); // not open: the row is not even looked at

        // Replay everything still open: nothing else was fixed, so nothing else lands.
        const qint64 stillOpen = m_broken - 2;
        const HttpResult all
            = m_api.call("POST", QStringLiteral("/sync-pairs/%1/quarantine/replay").arg(m_pair));
        QVERIFY2(all.status == 200, qPrintable(describe(all)));
        QCOMPARE(qint64(items(all).size()), stillOpen);
        QCOMPARE(all.json().value(QStringLiteral("replayed")).toInt(), 0);
        QCOMPARE(all.json().value(QStringLiteral("still_invalid")).toInteger(), stillOpen);
        QCOMPARE(qint64(quarantine(QStringLiteral("open")).size()), stillOpen);
        QCOMPARE(quarantine(QStringLiteral("replayed")).size(), 1);
        QCOMPARE(quarantine(QStringLiteral("discarded")).size(), 1);
        QCOMPARE(qint64(quarantine(QStringLiteral("all")).size()), m_broken);
        QCOMPARE(m_api.call("GET", QStringLiteral("/sync-pairs/%1").arg(m_pair))
                     .json()
                     .value(QStringLiteral("open_quarantine"))
                     .toInteger(),
                 stillOpen);
        QCOMPARE(m_api.camaCount(QStringLiteral("cama_property")), m_parcels - m_broken + 1);
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int failures = 0;
    for (const Backend backend : { Backend::Sqlite, Backend::Postgres }) {
        qInfo().noquote() << "=== control database:" << backendName(backend);
        TestSyncApiFlow test(backend);
        failures += QTest::qExec(&test, argc, argv);
    }
    return failures;
}

#include "tst_syncapi_flow.moc"
