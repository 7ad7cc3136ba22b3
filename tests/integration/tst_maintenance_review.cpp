// The quarterly maintenance over real SQLite and PostgreSQL control databases, with seeded
// system_metrics, sync_operations and service_events: every number of the performance review
// is the one the seeded rows give; the security audit flags a 0644 secret file, a token
// without expiry, auth off, a public bind without TLS, the initial and a common password;
// the operations report is refreshed; the run is stored and audited.
#include "auth/passwordhasher.h"
#include "core/config.h"
#include "maintenancefixture.h"
#include "ops/maintenancerunner.h"
#include "ops/maintenancerunstore.h"
#include "ops/securityaudit.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace tf;
using namespace tf::test::maintenance;

class TestMaintenanceReview final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void quarterly_data() { backends(); }
    void quarterly();
    void cleanInstallationHasNoSecurityFindings();

private:
    static void seed(db::Database &database, const QDateTime &base);
};

void TestMaintenanceReview::seed(db::Database &database, const QDateTime &base)
{
    exec(database,
         QStringLiteral(
             "INSERT INTO systems (name, kind) VALUES ('pacs', 'sqlite'), ('cama', 'postgres')"));
    const qint64 source
        = scalar(database, QStringLiteral("SELECT id FROM systems WHERE name = 'pacs'"));
    const qint64 target
        = scalar(database, QStringLiteral("SELECT id FROM systems WHERE name = 'cama'"));
    for (const QString &name : { QStringLiteral("alpha"), QStringLiteral("beta") })
        exec(database,
             QStringLiteral("INSERT INTO sync_pairs (name, source_system_id, source_entity, "
                            "target_system_id, target_entity) "
                            "VALUES (?, ?, 'Property', ?, 'cama_property')"),
             { name, source, target });
    const qint64 alpha
        = scalar(database, QStringLiteral("SELECT id FROM sync_pairs WHERE name = 'alpha'"));
    const qint64 beta
        = scalar(database, QStringLiteral("SELECT id FROM sync_pairs WHERE name = 'beta'"));

    const auto operation
        = [&](qint64 pair, const char *status, int seconds, int minute, bool dryRun = false) {
              const QDateTime started = base.addSecs(minute * 60);
              exec(database,
                   QStringLiteral("INSERT INTO sync_operations (pair_id, status, dry_run, "
                                  "statistics, created_at, started_at, finished_at) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?)"),
                   { pair, QString::fromLatin1(status), dryRun,
                     QStringLiteral("{\"totals\":{\"read\":100}}"), at(database, started),
                     at(database, started), at(database, started.addSecs(seconds)) });
          };
    // alpha: ten completed runs of 1..10 s; beta: three completed (2, 4, 6 s), two failed (1 s).
    for (int i = 1; i <= 10; ++i)
        operation(alpha, "completed", i, i);
    operation(beta, "completed", 2, 20);
    operation(beta, "completed_with_errors", 4, 21);
    operation(beta, "completed", 6, 22);
    operation(beta, "failed", 1, 23);
    operation(beta, "failed", 1, 24);
    operation(alpha, "completed", 500, 25, true); // a dry run: not service, left out
    operation(alpha, "completed", 700, -200 * 24 * 60); // before the review period
    exec(database,
         QStringLiteral("INSERT INTO sync_operations (pair_id, status, created_at, started_at) "
                        "VALUES (?, 'running', ?, ?)"),
         { alpha, at(database, base), at(database, base) });

    const auto sample = [&](const char *metric, double value, int count, int resolution, int minute,
                            const char *labels = "{}") {
        exec(database,
             QStringLiteral("INSERT INTO system_metrics (created_at, node, metric, value, labels, "
                            "resolution_s, sample_count) "
                            "VALUES (?, 'n1', ?, ?, ?, ?, ?)"),
             { at(database, base.addSecs(minute * 60)), QString::fromLatin1(metric), value,
               QString::fromLatin1(labels), resolution, count });
    };
    for (int i = 0; i < 4; ++i)
        sample("cpu_percent", (i + 1) * 10 + (i == 3 ? 50 : 0), 1, 0, i); // 10, 20, 30, 90
    sample("memory_percent", 50, 3, 3600, 0); // an hourly average of three samples
    sample("memory_percent", 90, 1, 0, 70);
    sample("disk_percent", 95, 1, 0, 0);
    sample("disk_percent", 93, 1, 0, 5);
    sample("http_p95_ms", 120, 1, 0, 0);
    sample("cpu_percent", 100, 1, 0, -200 * 24 * 60); // before the period
    sample("pair_rows_per_second", 5000, 1, 0, 0,
           "{\"pair_id\":1}"); // labelled: per pair, not a host figure

    for (int i = 0; i < 4; ++i)
        exec(database,
             QStringLiteral("INSERT INTO service_events (created_at, service, event) VALUES (?, "
                            "'tf-syncd', 'restarted')"),
             { at(database, base.addSecs(i * 60)) });
}

void TestMaintenanceReview::quarterly()
{
    QFETCH(QString, backend);
    QTemporaryDir dir;
    const QString url = databaseUrl(backend, dir.path());
    TF_REQUIRE_POSTGRES(url);
    auto control = db::ControlDatabase::open(url);
    db::Database &database = control->database();
    // Noon yesterday (UTC): inside the 90-day period, and the four restarts on one day.
    const QDateTime base(QDate::currentDate().addDays(-1), QTime(12, 0), Qt::UTC);
    seed(database, base);

    // Security inputs: auth off, a public bind without TLS, a secret file others can read, a
    // token without expiry, the bootstrap admin still on its initial password, a user with a
    // common password.
    QFile secret(dir.filePath(QStringLiteral("secret.key")));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write(QByteArray(32, 'k'));
    secret.close();
    QVERIFY(QFile::setPermissions(secret.fileName(),
                                  QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                      | QFileDevice::ReadGroup | QFileDevice::ReadOther));
    QFile token(dir.filePath(QStringLiteral("service-token")));
    QVERIFY(token.open(QIODevice::WriteOnly));
    token.write(QByteArray(40, 't'));
    token.close();
    QVERIFY(
        QFile::setPermissions(token.fileName(), QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    const auth::PasswordHasher hasher(1000);
    exec(database,
         QStringLiteral("INSERT INTO users (username, password_hash, role, must_change_password) "
                        "VALUES (?, ?, 'admin', ?)"),
         { QStringLiteral("admin"), hasher.hash(QStringLiteral("Xk3-unguessable-9q")), true });
    exec(database,
         QStringLiteral("INSERT INTO users (username, password_hash, role, must_change_password) "
                        "VALUES (?, ?, 'operator', ?)"),
         { QStringLiteral("olga"), hasher.hash(QStringLiteral("password1234")), false });
    exec(
        database,
        QStringLiteral("INSERT INTO users (username, password_hash, role, must_change_password) "
                       "VALUES (?, ?, 'viewer', ?)"),
        { QStringLiteral("vic"), hasher.hash(QStringLiteral("a-long-and-private-phrase")), false });
    exec(database,
         QStringLiteral("INSERT INTO api_tokens (name, token_hash, role) VALUES ('ci-runner', "
                        "'h1', 'operator')"));
    exec(database,
         QStringLiteral("INSERT INTO api_tokens (name, token_hash, role, expires_at) VALUES "
                        "('nightly', 'h2', 'viewer', ?)"),
         { at(database, QDateTime::currentDateTimeUtc().addDays(30)) });
    exec(database,
         QStringLiteral("INSERT INTO api_tokens (name, token_hash, role, revoked_at) VALUES "
                        "('old', 'h3', 'viewer', ?)"),
         { at(database, QDateTime::currentDateTimeUtc()) });

    Config config;
    config.set(QStringLiteral("auth/required"), QStringLiteral("false"), Config::Origin::File,
               QStringLiteral("test.ini"));
    config.set(QStringLiteral("server/bind"), QStringLiteral("0.0.0.0"), Config::Origin::File,
               QStringLiteral("test.ini"));
    ops::MaintenanceSettings settings
        = ops::MaintenanceSettings::fromConfig(config, dir.path(), url, QStringLiteral("node-q"));
    ops::MaintenanceRunner runner(database, settings);
    ops::MaintenanceRequest request;
    request.kind = ops::MaintenanceKind::Quarterly;
    request.triggeredBy = QStringLiteral("auditor");
    const ops::MaintenanceReport report = runner.run(request);
    const QJsonObject json = report.toJson();
    QVERIFY2(report.status == QLatin1String("completed"), QJsonDocument(json).toJson().constData());

    // The performance review, number by number.
    const QJsonObject review = step(json, QStringLiteral("performance review"));
    const QJsonObject data = review.value(QStringLiteral("data")).toObject();
    const QJsonObject metrics = data.value(QStringLiteral("metrics")).toObject();
    const QJsonObject cpu = metrics.value(QStringLiteral("cpu_percent")).toObject();
    QCOMPARE(cpu.value(QStringLiteral("samples")).toInt(), 4);
    QCOMPARE(cpu.value(QStringLiteral("average")).toDouble(), 37.5);
    QCOMPARE(cpu.value(QStringLiteral("max")).toDouble(), 90.0);
    QCOMPARE(cpu.value(QStringLiteral("min")).toDouble(), 10.0);
    QCOMPARE(cpu.value(QStringLiteral("latest")).toDouble(), 90.0);
    const QJsonObject memory = metrics.value(QStringLiteral("memory_percent")).toObject();
    QCOMPARE(memory.value(QStringLiteral("samples")).toInt(), 4);
    QCOMPARE(memory.value(QStringLiteral("average")).toDouble(), 60.0); // (3 x 50 + 90) / 4
    QCOMPARE(metrics.value(QStringLiteral("disk_percent"))
                 .toObject()
                 .value(QStringLiteral("average"))
                 .toDouble(),
             94.0);
    QVERIFY(!metrics.contains(QStringLiteral("pair_rows_per_second")));

    const QJsonObject operations = data.value(QStringLiteral("operations")).toObject();
    QCOMPARE(operations.value(QStringLiteral("finished")).toInt(), 15);
    QCOMPARE(operations.value(QStringLiteral("by_status"))
                 .toObject()
                 .value(QStringLiteral("completed"))
                 .toInt(),
             12);
    QCOMPARE(operations.value(QStringLiteral("by_status"))
                 .toObject()
                 .value(QStringLiteral("completed_with_errors"))
                 .toInt(),
             1);
    QCOMPARE(operations.value(QStringLiteral("by_status"))
                 .toObject()
                 .value(QStringLiteral("failed"))
                 .toInt(),
             2);
    QCOMPARE(operations.value(QStringLiteral("success_rate_percent")).toDouble(),
             std::round(100.0 * 13 / 15 * 100) / 100);
    // Durations 1,1,1,2,2,3,4,4,5,6,6,7,8,9,10: nearest rank p50 = 8th = 4, p95 = 15th = 10.
    QCOMPARE(operations.value(QStringLiteral("p50_seconds")).toDouble(), 4.0);
    QCOMPARE(operations.value(QStringLiteral("p95_seconds")).toDouble(), 10.0);
    const QJsonArray pairs = data.value(QStringLiteral("pairs")).toArray();
    QCOMPARE(pairs.size(), 2);
    const QJsonObject alpha = pairs.at(0).toObject();
    QCOMPARE(alpha.value(QStringLiteral("name")).toString(), QStringLiteral("alpha"));
    QCOMPARE(alpha.value(QStringLiteral("runs")).toInt(), 10);
    QCOMPARE(alpha.value(QStringLiteral("p50_seconds")).toDouble(), 5.0);
    QCOMPARE(alpha.value(QStringLiteral("p95_seconds")).toDouble(), 10.0);
    QCOMPARE(alpha.value(QStringLiteral("rows_read")).toInteger(), qint64(1000));
    QCOMPARE(alpha.value(QStringLiteral("rows_per_second")).toDouble(),
             std::round(1000.0 / 55 * 100) / 100);
    QCOMPARE(alpha.value(QStringLiteral("success_rate_percent")).toDouble(), 100.0);
    const QJsonObject beta = pairs.at(1).toObject();
    QCOMPARE(beta.value(QStringLiteral("failed")).toInt(), 2);
    QCOMPARE(beta.value(QStringLiteral("success_rate_percent")).toDouble(), 60.0);
    QCOMPARE(beta.value(QStringLiteral("p50_seconds")).toDouble(), 2.0);
    QCOMPARE(data.value(QStringLiteral("service_restarts")).toInt(), 4);
    QCOMPARE(data.value(QStringLiteral("worst_restart_day")).toInt(), 4);
    const QStringList reviewCodes = findingCodes(review);
    for (const char *code :
         { "cpu_percent_peak_high", "memory_percent_peak_high", "disk_percent_average_high",
           "success_rate_low", "pair_success_rate_low", "service_restarts_high" })
        QVERIFY2(reviewCodes.contains(QLatin1String(code)),
                 qPrintable(reviewCodes.join(QLatin1Char(','))));
    QVERIFY(!reviewCodes.contains(QStringLiteral("http_p95_ms_average_high")));
    QVERIFY(!reviewCodes.contains(QStringLiteral("cpu_percent_average_high")));

    // The security audit.
    const QJsonObject audit = step(json, QStringLiteral("security audit"));
    QJsonObject byCode;
    for (const QJsonValue &value : audit.value(QStringLiteral("findings")).toArray()) {
        const QJsonObject finding = value.toObject();
        const QString code = finding.value(QStringLiteral("code")).toString();
        QJsonArray list = byCode.value(code).toArray();
        list.append(finding);
        byCode.insert(code, list);
    }
    QCOMPARE(byCode.value(QStringLiteral("auth_disabled"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("severity"))
                 .toString(),
             QStringLiteral("critical"));
    QCOMPARE(byCode.value(QStringLiteral("tls_off_public_bind")).toArray().size(), 1);
    const QJsonArray modes = byCode.value(QStringLiteral("secret_file_mode")).toArray();
    QCOMPARE(modes.size(), 1); // secret.key; the 0600 service-token is fine
    QCOMPARE(modes.first()
                 .toObject()
                 .value(QStringLiteral("details"))
                 .toObject()
                 .value(QStringLiteral("mode"))
                 .toString(),
             QStringLiteral("0644"));
    QCOMPARE(modes.first()
                 .toObject()
                 .value(QStringLiteral("details"))
                 .toObject()
                 .value(QStringLiteral("path"))
                 .toString(),
             secret.fileName());
    const QJsonArray tokens = byCode.value(QStringLiteral("token_without_expiry")).toArray();
    QCOMPARE(tokens.size(), 1);
    QCOMPARE(tokens.first()
                 .toObject()
                 .value(QStringLiteral("details"))
                 .toObject()
                 .value(QStringLiteral("name"))
                 .toString(),
             QStringLiteral("ci-runner"));
    QCOMPARE(byCode.value(QStringLiteral("initial_password_in_use")).toArray().size(), 1);
    const QJsonArray weak = byCode.value(QStringLiteral("weak_password")).toArray();
    QCOMPARE(weak.size(), 1);
    QCOMPARE(weak.first()
                 .toObject()
                 .value(QStringLiteral("details"))
                 .toObject()
                 .value(QStringLiteral("user"))
                 .toString(),
             QStringLiteral("olga"));

    // The operations report, refreshed from the same data.
    const QString operationsReport = dir.filePath(QStringLiteral("reports/operations-report.md"));
    QFile file(operationsReport);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.contains("| alpha |"));
    QVERIFY(text.contains("| beta |"));
    QVERIFY(text.contains("quarterly"));

    const auto stored = ops::MaintenanceRunStore(database).get(report.runId);
    QVERIFY(stored);
    QCOMPARE(stored->status, QStringLiteral("completed"));
    QCOMPARE(stored->report.value(QStringLiteral("finding_counts"))
                 .toObject()
                 .value(QStringLiteral("critical"))
                 .toInt(),
             1);
    QCOMPARE(
        scalar(database,
               QStringLiteral(
                   "SELECT COUNT(*) FROM audit_entries WHERE event_type = 'maintenance.completed' "
                   "AND severity = 'warning' AND resource_id = ?"),
               { QString::number(report.runId) }),
        qint64(1));
}

void TestMaintenanceReview::cleanInstallationHasNoSecurityFindings()
{
    QTemporaryDir dir;
    QVERIFY(QFile::setPermissions(
        dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    auto control = db::ControlDatabase::open(dir.filePath(QStringLiteral("terrafusion.db")));
    QVERIFY(QFile::setPermissions(dir.filePath(QStringLiteral("terrafusion.db")),
                                  QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    Config config; // defaults: auth on, loopback bind
    const ops::SecurityAudit audit = ops::auditSecurity(
        control->database(), ops::SecurityAuditInputs::fromConfig(config, dir.path()));
    QStringList messages;
    for (const ops::Finding &finding : audit.findings)
        messages << finding.message;
    QVERIFY2(audit.findings.isEmpty(), qPrintable(messages.join(QLatin1Char('\n'))));
    QCOMPARE(ops::fileMode(dir.path()), QStringLiteral("0700"));
}

QTEST_GUILESS_MAIN(TestMaintenanceReview)
#include "tst_maintenance_review.moc"
