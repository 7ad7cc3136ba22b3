// The demo's properties streamed by a `cdc` pair made through the REST API (issue 17's first
// "Done when"): `tfctl demo install --pacs-url --cama-url` writes the PACS county into a
// PostgreSQL database of a wal_level=logical cluster (cdccluster.h) and the CAMA schema into
// another; a tf-gateway (its tf-syncd streaming) on a control database of the same cluster.
//
// - The property pair of resources/demo/pairs/property.json, "mode":"cdc", POSTed to the
//   gateway: its snapshot equals, column by column, what a full-mode run of the same definition
//   writes into a second CAMA schema, and both quarantine exactly the demo's broken properties.
// - An INSERT, an UPDATE (through the mapping's transforms) and a DELETE committed in the PACS
//   each show in the CAMA target; GET /api/sync-pairs/{id} carries the `cdc` object (streaming,
//   applied position, transactions, lag, wal_status, latency).
// - Commit-to-visible latency of 200 single-row updates is measured and printed (qInfo), not
//   asserted: tests check correctness; the machine running them is loaded.
// - `tfctl demo install` options: --mode cdc installs one cdc pair of the four tables over
//   postgres systems; a bad URL or mode, or cdc without both URLs, exits 2 with one line.
#include "cdccluster.h"
#include "db/sqlscript.h"
#include "toolrun.h"
#include "tst_gatewayproxy_fixture.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSqlQuery>
#include <QTest>
#include <algorithm>

static void initDemoResources()
{
    Q_INIT_RESOURCE(demo); // property.json and cama_postgres.sql, compiled into tfcore
}

using namespace tf;
using namespace tf::test;

namespace {

constexpr int kParcels = 400;
constexpr int kWait = 60000;
constexpr int kLatencySamples = 200;
const QString kSecretKey = QStringLiteral("6c0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1");

// The CAMA property columns the pair writes (not the surrogate id, which is the target's own).
const QString kMapped = QStringLiteral("source_id, parcel_number, address, city, state, zip_code, legal_description, "
                                       "acreage, year_built, is_active, source_last_modified");

QByteArray resource(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return -1;
    std::sort(values.begin(), values.end());
    const int index = qBound(0, int(p * double(values.size()) + 0.5) - 1, int(values.size()) - 1);
    return values.at(index);
}

} // namespace

class TestCdcDemo final : public QObject, public GatewayProxyFixture
{
    Q_OBJECT

    std::unique_ptr<TemporaryPostgres> m_cluster;
    std::unique_ptr<db::Database> m_admin; // the cluster's postgres database
    std::unique_ptr<db::Database> m_pacs;
    std::unique_ptr<db::Database> m_cama;
    std::unique_ptr<db::Database> m_control;
    qint64 m_pacsSystem = 0;
    qint64 m_camaSystem = 0;
    qint64 m_cdcPair = 0;
    QJsonObject m_summary; // demo-summary.json

    ToolOptions tfctlOptions(const QString &controlUrl) const
    {
        ToolOptions options;
        options.environment.insert(QStringLiteral("DATABASE_URL"), controlUrl);
        options.environment.insert(QStringLiteral("TF_SECRET_KEY"), kSecretKey);
        options.timeoutMs = 120000;
        return options;
    }
    std::unique_ptr<db::Database> open(const QString &database) const
    {
        return std::make_unique<db::Database>(db::DatabaseUrl::parse(m_cluster->url(database)));
    }
    qint64 value(const db::Database &database, const QString &sql) const
    {
        return scalar(database, sql).toLongLong();
    }
    qint64 systemId(const QString &name)
    {
        QSqlQuery query = m_control->prepare(QStringLiteral("SELECT id FROM systems WHERE name = ?"));
        query.addBindValue(name);
        m_control->exec(query, "cdc demo test");
        return query.next() ? query.value(0).toLongLong() : 0;
    }
    // (source_key, field, rule) of the pair's open quarantine entries, sorted.
    QStringList quarantined(qint64 pairId)
    {
        QSqlQuery query = m_control->prepare(QStringLiteral("SELECT lower(source_key), field, rule FROM quarantine "
                                                            "WHERE pair_id = ? AND status = 'open' ORDER BY 1, 2, 3"));
        query.addBindValue(QString::number(pairId));
        m_control->exec(query, "cdc demo test");
        QStringList entries;
        while (query.next())
            entries << QStringLiteral("%1 %2 %3").arg(query.value(0).toString(), query.value(1).toString(),
                                                      query.value(2).toString());
        return entries;
    }
    // The demo pair of `file` as the API takes it: the system ids, a name of its own, a mode.
    QJsonObject demoPair(const QString &file, qint64 target, const QString &mode, const QString &suffix) const
    {
        QJsonObject body = QJsonDocument::fromJson(resource(QStringLiteral(":/demo/pairs/%1.json").arg(file))).object();
        body.remove(QStringLiteral("source_system")); // the installer's placeholders
        body.remove(QStringLiteral("target_system"));
        body.insert(QStringLiteral("source_system_id"), m_pacsSystem);
        body.insert(QStringLiteral("target_system_id"), target);
        body.insert(QStringLiteral("mode"), mode);
        body.insert(QStringLiteral("name"), QString(body.value(QStringLiteral("name")).toString() + suffix));
        if (mode == QLatin1String("cdc"))
            body.remove(QStringLiteral("schedule"));
        return body;
    }
    QJsonObject pairView(qint64 pairId)
    {
        const HttpResult result = api("GET", QStringLiteral("/api/sync-pairs/%1").arg(pairId));
        if (result.status != 200)
            qWarning("GET /api/sync-pairs/%lld: HTTP %d %s", static_cast<long long>(pairId), result.status,
                     result.body.left(300).constData());
        return result.json();
    }
    // The pair view's cdc object once `done` holds for it (the last one read when it never
    // does), polled every 300 ms: the gateway limits requests per token.
    QJsonObject waitForCdcView(const std::function<bool(const QJsonObject &)> &done)
    {
        QDeadlineTimer deadline(kWait);
        QJsonObject cdc;
        do {
            const HttpResult result = api("GET", QStringLiteral("/api/sync-pairs/%1").arg(m_cdcPair));
            if (result.status == 200) {
                cdc = result.json().value(QStringLiteral("cdc")).toObject();
                if (done(cdc))
                    return cdc;
            }
            QTest::qWait(300);
        } while (!deadline.hasExpired());
        return cdc;
    }
    QString describe(qint64 pairId)
    {
        return QString::fromUtf8(QJsonDocument(pairView(pairId)).toJson()) + QString::fromUtf8(m_gateway->output().right(4000));
    }
    // The parcel number of the target's n-th property (source_id is a name-based UUID of the
    // PACS key, so rows are matched across by parcel number, unique in the demo).
    QString parcelAt(int n) const
    {
        return scalar(*m_cama, QStringLiteral("SELECT parcel_number FROM public.cama_property ORDER BY parcel_number "
                                              "LIMIT 1 OFFSET %1").arg(n));
    }
    QString propertyIdOf(const QString &parcel) const
    {
        QSqlQuery query = m_pacs->prepare(QStringLiteral("SELECT \"PropertyID\"::text FROM \"Property\" WHERE "
                                                         "upper(trim(\"ParcelNumber\")) = ?"));
        query.addBindValue(parcel);
        m_pacs->exec(query, "cdc demo test");
        return query.next() ? query.value(0).toString() : QString();
    }
    qint64 propertyRows(const QString &where = QStringLiteral("true"))
    {
        return value(*m_cama, QStringLiteral("SELECT count(*) FROM public.cama_property WHERE ") + where);
    }

private Q_SLOTS:
    void initTestCase()
    {
        initDemoResources();
        TF_START_LOGICAL_CLUSTER(m_cluster);
        m_admin = open(QStringLiteral("postgres"));
        // As tst_cdcservice: a stream catching up must not be cut off by the 2 s test timeout.
        m_admin->execDirect(QStringLiteral("ALTER SYSTEM SET wal_sender_timeout = '60s'"), "setup");
        m_admin->execDirect(QStringLiteral("SELECT pg_reload_conf()"), "setup");
        for (const char *database : { "tfcontrol", "pacs", "cama", "ctl2", "pacs2", "cama2" })
            m_admin->execDirect(QStringLiteral("CREATE DATABASE ") + QLatin1String(database), "setup");

        QVERIFY(m_dir.isValid());
        QProcessEnvironment env = ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("DATABASE_URL"), m_cluster->url(QStringLiteral("tfcontrol")));
        env.insert(QStringLiteral("TF_SECRET_KEY"), kSecretKey);
        env.insert(QStringLiteral("TF_MAINTENANCE__ENABLED"), QStringLiteral("false"));
        env.insert(QStringLiteral("TF_SYNC__POLL_INTERVAL_MS"), QStringLiteral("100"));
        env.insert(QStringLiteral("TF_SYNC__SCHEDULER_INTERVAL_MS"), QStringLiteral("300"));
        env.insert(QStringLiteral("TF_SYNC__LEASE_MS"), QStringLiteral("6000")); // heartbeat every 2 s
        env.insert(QStringLiteral("TF_SYNC__WORKERS"), QStringLiteral("3")); // the stream + the full run
        QVERIFY(startGateway(env));
        m_control = open(QStringLiteral("tfcontrol"));

        // The demo as an administrator installs it: PACS and CAMA in PostgreSQL.
        const ToolRun install = runTool(QStringLiteral("tfctl"),
                                        { QStringLiteral("demo"), QStringLiteral("install"), QStringLiteral("--data-dir"),
                                          dataDir(), QStringLiteral("--parcels"), QString::number(kParcels),
                                          QStringLiteral("--pacs-url"), m_cluster->url(QStringLiteral("pacs")),
                                          QStringLiteral("--cama-url"), m_cluster->url(QStringLiteral("cama")) },
                                        tfctlOptions(m_cluster->url(QStringLiteral("tfcontrol"))));
        QVERIFY2(install.exitCode == 0, qPrintable(install.describe()));
        QVERIFY2(install.out.contains("generating PACS demo data: 400 parcels into postgresql://"),
                 install.out.constData());
        QVERIFY2(install.out.contains("Property      : 400 rows"), install.out.constData());
        m_pacs = open(QStringLiteral("pacs"));
        m_cama = open(QStringLiteral("cama"));
        QCOMPARE(value(*m_pacs, QStringLiteral("SELECT count(*) FROM \"Property\"")), qint64(kParcels));
        m_pacsSystem = systemId(QStringLiteral("PACS (demo)"));
        m_camaSystem = systemId(QStringLiteral("CAMA (demo)"));
        QVERIFY(m_pacsSystem > 0 && m_camaSystem > 0);
        QCOMPARE(scalar(*m_control, QStringLiteral("SELECT kind FROM systems WHERE id = %1").arg(m_pacsSystem)),
                 QStringLiteral("postgres"));
        QFile summary(dataDir() + QStringLiteral("/demo/demo-summary.json"));
        QVERIFY(summary.open(QIODevice::ReadOnly));
        m_summary = QJsonDocument::fromJson(summary.readAll()).object();
    }

    void cleanupTestCase()
    {
        m_gateway.reset();
        m_pacs.reset();
        m_cama.reset();
        m_control.reset();
        m_admin.reset();
        m_cluster.reset();
    }

    // The snapshot of a cdc pair made through the API equals a full-mode run of the same pair.
    void snapshotEqualsFullRun()
    {
        m_cdcPair = create(QStringLiteral("/api/sync-pairs"),
                           demoPair(QStringLiteral("property"), m_camaSystem, QStringLiteral("cdc"),
                                    QStringLiteral(" (cdc)")));
        QVERIFY(m_cdcPair > 0);

        // The same definition in full mode into a second CAMA schema of the same database.
        m_cama->execDirect(QStringLiteral("CREATE SCHEMA cama_full"), "setup");
        {
            db::Transaction transaction(*m_cama);
            m_cama->execDirect(QStringLiteral("SET LOCAL search_path TO cama_full"), "setup");
            for (const QString &statement :
                 db::splitSqlStatements(QString::fromUtf8(resource(QStringLiteral(":/demo/cama_postgres.sql")))))
                m_cama->execDirect(statement, "creating the second CAMA schema");
            transaction.commit();
        }
        const qint64 fullTarget = create(
            QStringLiteral("/api/systems"),
            { { QStringLiteral("name"), QStringLiteral("CAMA (full run)") },
              { QStringLiteral("kind"), QStringLiteral("postgres") },
              { QStringLiteral("settings"), QJsonObject { { QStringLiteral("url"), m_cluster->url(QStringLiteral("cama")) },
                                                          { QStringLiteral("schema"), QStringLiteral("cama_full") } } } });
        QVERIFY(fullTarget > 0);
        const qint64 fullPair = create(QStringLiteral("/api/sync-pairs"),
                                       demoPair(QStringLiteral("property"), fullTarget, QStringLiteral("full"),
                                                QStringLiteral(" (full)")));
        QVERIFY(fullPair > 0);
        const qint64 run = startOperation({ { QStringLiteral("pair_id"), fullPair } });
        QVERIFY(run > 0);
        const QJsonObject ran = waitForOperation(run, finished, kWait);
        QVERIFY2(ran.value(QStringLiteral("status")).toString() == QLatin1String("completed_with_errors"),
                 QJsonDocument(ran).toJson().constData());

        // The stream's snapshot arrives.
        const qint64 expected = value(*m_cama, QStringLiteral("SELECT count(*) FROM cama_full.cama_property"));
        QTRY_VERIFY2_WITH_TIMEOUT(propertyRows() == expected, qPrintable(describe(m_cdcPair)), kWait);
        const QJsonObject streaming
            = waitForCdcView([](const QJsonObject &cdc) { return cdc.value(QStringLiteral("streaming")).toBool(); });
        QVERIFY2(streaming.value(QStringLiteral("streaming")).toBool(), qPrintable(describe(m_cdcPair)));

        // Every broken property quarantined by both, nothing else; every other row written.
        QStringList brokenProperties;
        QSet<QString> rules;
        for (const QJsonValue &broken : m_summary.value(QStringLiteral("broken_rows")).toArray()) {
            const QJsonObject row = broken.toObject();
            if (row.value(QStringLiteral("table")).toString() != QLatin1String("Property"))
                continue;
            brokenProperties << row.value(QStringLiteral("key")).toString().toLower().remove(QLatin1Char('{')).remove(
                QLatin1Char('}'));
            rules << row.value(QStringLiteral("target_field")).toString() + QLatin1Char(' ')
                    + row.value(QStringLiteral("rule")).toString();
        }
        QVERIFY2(brokenProperties.size() >= 3, QJsonDocument(m_summary).toJson().constData());
        QCOMPARE(expected, kParcels - brokenProperties.size());
        const QStringList streamed = quarantined(m_cdcPair);
        QCOMPARE(streamed, quarantined(fullPair));
        QSet<QString> streamedRules;
        for (const QString &key : brokenProperties) {
            const QStringList hits = streamed.filter(key);
            QVERIFY2(!hits.isEmpty(), qPrintable(key + QLatin1Char('\n') + streamed.join(QLatin1Char('\n'))));
            for (const QString &hit : hits)
                streamedRules << hit.section(QLatin1Char(' '), 1);
        }
        for (const QString &rule : rules)
            QVERIFY2(streamedRules.contains(rule), qPrintable(rule));
        QVERIFY2(streamedRules.size() <= streamed.size(), qPrintable(streamed.join(QLatin1Char('\n'))));

        // Row for row, value for value, the same as the full run wrote.
        QCOMPARE(value(*m_cama, QStringLiteral("SELECT count(*) FROM (SELECT %1 FROM public.cama_property EXCEPT "
                                               "SELECT %1 FROM cama_full.cama_property) d")
                                    .arg(kMapped)),
                 0);
        QCOMPARE(value(*m_cama, QStringLiteral("SELECT count(*) FROM (SELECT %1 FROM cama_full.cama_property EXCEPT "
                                               "SELECT %1 FROM public.cama_property) d")
                                    .arg(kMapped)),
                 0);
        // And each value what the source holds, through the mapping: sampled rows read from both.
        QSqlQuery source = m_pacs->prepare(QStringLiteral(
            "SELECT upper(trim(\"ParcelNumber\")), trim(\"Address\"), \"Acreage\"::text, \"YearBuilt\", "
            "\"IsActive\", to_char(\"LastModified\", 'YYYY-MM-DD HH24:MI:SS.MS') FROM \"Property\" "
            "ORDER BY \"PropertyID\" LIMIT 25")); // parcel numbers are unique (source_id is uuid_from's)
        m_pacs->exec(source, "cdc demo test");
        int sampled = 0;
        while (source.next()) {
            QSqlQuery target = m_cama->prepare(
                QStringLiteral("SELECT address, acreage::text, year_built, is_active, "
                               "to_char(source_last_modified, 'YYYY-MM-DD HH24:MI:SS.MS') FROM public.cama_property "
                               "WHERE parcel_number = ?"));
            target.addBindValue(source.value(0).toString());
            m_cama->exec(target, "cdc demo test");
            if (!target.next())
                continue; // a broken one: quarantined above
            ++sampled;
            QCOMPARE(target.value(0).toString(), source.value(1).toString());
            QCOMPARE(target.value(1).toString(), source.value(2).toString());
            QCOMPARE(target.value(2), source.value(3));
            QCOMPARE(target.value(3).toBool(), source.value(4).toBool());
            QCOMPARE(target.value(4).toString(), source.value(5).toString());
        }
        QVERIFY(sampled >= 20);
    }

    // Each kind of change committed in the PACS shows in the CAMA target, and the pair view
    // shows the stream.
    void changesArrive()
    {
        QVERIFY(m_cdcPair > 0);
        const QString newId = QStringLiteral("7d3f2a10-0c4e-4b1a-9f00-00000000c0de");
        QSqlQuery insert = m_pacs->prepare(QStringLiteral(
            "INSERT INTO \"Property\" (\"PropertyID\", \"ParcelNumber\", \"Address\", \"City\", \"State\", \"ZipCode\", "
            "\"LegalDescription\", \"Acreage\", \"YearBuilt\", \"IsActive\", \"LastModified\") VALUES "
            "(?::uuid, ?, ?, ?, 'WA', '99336', 'LOT 1 BLOCK 1 CDC ADDITION', 0.2500, 2024, true, "
            "'2026-01-02 03:04:05.678')"));
        insert.addBindValue(newId);
        insert.addBindValue(QStringLiteral(" 1-9999-100-0001-000 "));
        insert.addBindValue(QStringLiteral("1 Stream St"));
        insert.addBindValue(QStringLiteral("  kennewick "));
        m_pacs->exec(insert, "cdc demo test");
        const QString inserted = QStringLiteral("source_id IS NOT NULL AND parcel_number = '1-9999-100-0001-000' AND "
                                                "city = 'Kennewick' AND acreage = 0.25 AND year_built = 2024 AND "
                                                "source_last_modified = '2026-01-02 03:04:05.678'");
        QTRY_VERIFY2_WITH_TIMEOUT(propertyRows(inserted) == 1, qPrintable(describe(m_cdcPair)), kWait);

        const QString updatedParcel = parcelAt(10);
        QSqlQuery update = m_pacs->prepare(QStringLiteral("UPDATE \"Property\" SET \"City\" = ?, \"Address\" = ? "
                                                          "WHERE \"PropertyID\" = ?::uuid"));
        update.addBindValue(QStringLiteral("west richland"));
        update.addBindValue(QStringLiteral("  42 Replication Way  "));
        update.addBindValue(propertyIdOf(updatedParcel));
        m_pacs->exec(update, "cdc demo test");
        QTRY_VERIFY2_WITH_TIMEOUT(propertyRows(QStringLiteral("parcel_number = '%1' AND city = 'West Richland' AND "
                                                              "address = '42 Replication Way'")
                                                   .arg(updatedParcel))
                                      == 1,
                                  qPrintable(describe(m_cdcPair)), kWait);

        const QString deletedParcel = parcelAt(20);
        QSqlQuery remove = m_pacs->prepare(QStringLiteral("DELETE FROM \"Property\" WHERE \"PropertyID\" = ?::uuid"));
        remove.addBindValue(propertyIdOf(deletedParcel));
        m_pacs->exec(remove, "cdc demo test");
        QTRY_COMPARE_WITH_TIMEOUT(propertyRows(QStringLiteral("parcel_number = '%1'").arg(deletedParcel)), 0, kWait);
        QCOMPARE(propertyRows(), value(*m_cama, QStringLiteral("SELECT count(*) FROM cama_full.cama_property")));

        // The pair view's cdc object, from the stream's heartbeat (every 2 s here).
        const qint64 current = value(*m_pacs, QStringLiteral("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"));
        auto caughtUp = [&](const QJsonObject &cdc) {
            const QString applied = cdc.value(QStringLiteral("applied_lsn")).toString();
            return !applied.isEmpty()
                && value(*m_pacs, QStringLiteral("SELECT '%1'::pg_lsn - '0/0'::pg_lsn").arg(applied)) >= current
                && cdc.value(QStringLiteral("transactions")).toInteger() >= 3
                && cdc.value(QStringLiteral("latency_p50_ms")).isDouble();
        };
        const QJsonObject cdc = waitForCdcView(caughtUp);
        const QByteArray shown = QJsonDocument(cdc).toJson();
        QVERIFY2(caughtUp(cdc), shown.constData());
        QVERIFY2(cdc.value(QStringLiteral("streaming")).toBool(), shown.constData());
        QVERIFY2(cdc.value(QStringLiteral("wal_status")).toString() == QLatin1String("reserved"), shown.constData());
        QVERIFY2(cdc.value(QStringLiteral("lag_bytes")).isDouble() && cdc.value(QStringLiteral("lag_bytes")).toDouble() >= 0,
                 shown.constData());
        const double p50 = cdc.value(QStringLiteral("latency_p50_ms")).toDouble(-1);
        const double p99 = cdc.value(QStringLiteral("latency_p99_ms")).toDouble(-1);
        const double max = cdc.value(QStringLiteral("latency_max_ms")).toDouble(-1);
        QVERIFY2(p50 >= 0 && p50 <= p99 && p99 <= max, shown.constData());
        QVERIFY2(QDateTime::fromString(cdc.value(QStringLiteral("reported_at")).toString(), Qt::ISODateWithMs).isValid(),
                 shown.constData());
    }

    // Commit to visible in the target, one-row transactions one after the other; printed only.
    void latencyIsMeasured()
    {
        QVERIFY(m_cdcPair > 0);
        QStringList parcels;
        QStringList ids;
        for (int i = 0; i < 20; ++i) {
            parcels << parcelAt(100 + i);
            ids << propertyIdOf(parcels.last());
        }
        QVERIFY(!ids.contains(QString()));
        QList<double> latencies;
        QElapsedTimer clock;
        for (int i = 0; i < kLatencySamples; ++i) {
            const QString id = ids.at(i % ids.size());
            const QString parcel = parcels.at(i % parcels.size());
            const QString address = QStringLiteral("%1 Latency Loop").arg(1000 + i);
            QSqlQuery update = m_pacs->prepare(QStringLiteral("UPDATE \"Property\" SET \"Address\" = ? WHERE "
                                                              "\"PropertyID\" = ?::uuid"));
            update.addBindValue(address);
            update.addBindValue(id);
            m_pacs->exec(update, "cdc demo test"); // autocommit: returns once committed
            clock.start();
            QSqlQuery seen = m_cama->prepare(QStringLiteral("SELECT count(*) FROM public.cama_property WHERE "
                                                            "parcel_number = ? AND address = ?"));
            seen.addBindValue(parcel);
            seen.addBindValue(address);
            bool visible = false;
            while (!visible && clock.elapsed() < kWait) {
                m_cama->exec(seen, "cdc demo test");
                visible = seen.next() && seen.value(0).toInt() == 1;
                seen.finish();
            }
            if (!visible) // (QVERIFY2 would build its message, a GET of the pair, every time)
                QFAIL(qPrintable(QStringLiteral("update %1 not seen\n").arg(i) + describe(m_cdcPair)));
            latencies << double(clock.nsecsElapsed()) / 1e6;
        }
        qInfo("cdc demo: commit-to-visible latency of %d single-row updates (polled from the target): p50 %.1f ms, "
              "p99 %.1f ms, max %.1f ms (goals: p50 <= 50 ms, p99 <= 250 ms; not asserted)",
              kLatencySamples, percentile(latencies, 0.50), percentile(latencies, 0.99),
              percentile(latencies, 1.0));
        // What the stream itself measured (source commit timestamp to target commit), once the
        // heartbeat has reported every transaction above.
        const QJsonObject cdc = waitForCdcView([](const QJsonObject &view) {
            return view.value(QStringLiteral("transactions")).toInteger() >= 3 + kLatencySamples;
        });
        QVERIFY2(cdc.value(QStringLiteral("transactions")).toInteger() >= 3 + kLatencySamples,
                 QJsonDocument(cdc).toJson().constData());
        qInfo("cdc demo: the pair view (the stream's own histogram since tf-syncd started): p50 %.1f ms, p99 %.1f ms, "
              "max %.1f ms over %lld transactions",
              cdc.value(QStringLiteral("latency_p50_ms")).toDouble(), cdc.value(QStringLiteral("latency_p99_ms")).toDouble(),
              cdc.value(QStringLiteral("latency_max_ms")).toDouble(),
              static_cast<long long>(cdc.value(QStringLiteral("transactions")).toInteger()));
        qInfo("cdc demo: load average %s", qPrintable(QString::fromLatin1(resource(QStringLiteral("/proc/loadavg")).trimmed())));
    }

    // --mode cdc installs one cdc pair of the four tables over postgres systems; bad options
    // exit 2 with one line.
    void installOptions()
    {
        const ToolOptions options = tfctlOptions(m_cluster->url(QStringLiteral("ctl2")));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QStringList where { QStringLiteral("--data-dir"), dir.path() };
        QVERIFY(initPlatform(where, options).exitCode == 0);
        const QStringList install { QStringLiteral("demo"), QStringLiteral("install"), QStringLiteral("--parcels"),
                                    QStringLiteral("40") };
        const QString pacs = m_cluster->url(QStringLiteral("pacs2"));
        const QString cama = m_cluster->url(QStringLiteral("cama2"));
        const QList<QPair<QStringList, QByteArray>> refused {
            { { QStringLiteral("--pacs-url"), QStringLiteral("mysql://db/pacs") }, "--pacs-url: " },
            { { QStringLiteral("--pacs-url"), QStringLiteral("sqlite:///tmp/pacs.db") },
              "--pacs-url must be a postgresql:// URL" },
            { { QStringLiteral("--mode"), QStringLiteral("cdc"), QStringLiteral("--pacs-url"), pacs },
              "--mode cdc needs --pacs-url and --cama-url" },
            { { QStringLiteral("--mode"), QStringLiteral("stream"), QStringLiteral("--pacs-url"), pacs },
              "--mode must be one of: hash, full, cdc" },
        };
        for (const auto &[arguments, message] : refused) {
            const ToolRun run = runTool(QStringLiteral("tfctl"), install + arguments + where, options);
            QVERIFY2(run.exitCode == 2 && run.err.trimmed().count('\n') == 0 && run.err.contains(message),
                     qPrintable(run.describe()));
        }
        QCOMPARE(value(*m_admin, QStringLiteral("SELECT count(*) FROM pg_database WHERE datname = 'pacs2'")), 1);

        const ToolRun run = runTool(QStringLiteral("tfctl"),
                                    install + QStringList { QStringLiteral("--mode"), QStringLiteral("cdc"),
                                                            QStringLiteral("--pacs-url"), pacs,
                                                            QStringLiteral("--cama-url"), cama }
                                        + where,
                                    options);
        QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
        const auto control = open(QStringLiteral("ctl2"));
        QCOMPARE(scalar(*control, QStringLiteral("SELECT string_agg(kind, ',' ORDER BY id) FROM systems")),
                 QStringLiteral("postgres,postgres"));
        // One pair streaming the four tables: the snapshot loads the properties first.
        QSqlQuery pairs = control->prepare(QStringLiteral("SELECT name, definition, schedule FROM sync_pairs ORDER BY id"));
        control->exec(pairs, "cdc demo test");
        QVERIFY(pairs.next());
        const QByteArray stored = pairs.value(1).toByteArray();
        const QJsonObject definition = QJsonDocument::fromJson(stored).object();
        QCOMPARE(pairs.value(0).toString(), QStringLiteral("PACS to CAMA: all tables (cdc)"));
        QVERIFY2(definition.value(QStringLiteral("mode")).toString() == QLatin1String("cdc"), stored.constData());
        QVERIFY2(pairs.value(2).toString().isEmpty(), stored.constData());
        QStringList entities;
        for (const QJsonValue &value : definition.value(QStringLiteral("entities")).toArray()) {
            const QJsonObject entity = value.toObject();
            entities << entity.value(QStringLiteral("name")).toString() + QLatin1Char(':')
                    + entity.value(QStringLiteral("depends_on")).toVariant().toStringList().join(QLatin1Char(','));
        }
        QCOMPARE(entities, QStringList({ QStringLiteral("property:"), QStringLiteral("owner:property"),
                                         QStringLiteral("value:property"), QStringLiteral("structure:property") }));
        QVERIFY(!pairs.next());
        const auto pacsDb = open(QStringLiteral("pacs2"));
        QCOMPARE(value(*pacsDb, QStringLiteral("SELECT count(*) FROM \"Property\"")), qint64(40));
    }
};

QTEST_GUILESS_MAIN(TestCdcDemo)
#include "tst_cdcdemo.moc"
