// tfctl create-plan and /api/recovery-plans: the Markdown runbook and its executable script in
// <data>/recovery_scripts/, every step of the script a real tfctl command (the service-outage
// script is run against a real tf-gateway), names checked, bad scenarios refused.
#include "testsupport.h"
#include "toolrun.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace tf;

namespace {

using Run = test::ToolRun;

// Scripts and tools here get 90 s and keep stdin an open pipe, as before the shared helper.
Run runProgram(const QString &program, const QStringList &arguments, QProcessEnvironment environment = test::ServiceProcess::cleanEnvironment())
{
    test::ToolOptions options;
    options.environment = environment;
    options.closeStdin = false;
    options.timeoutMs = 90000;
    return test::runTool(program, arguments, options);
}

Run tfctl(const QStringList &arguments)
{
    return runProgram(test::binary(QStringLiteral("tfctl")), arguments);
}

QString describe(const Run &run)
{
    return run.describe();
}

} // namespace

class TestCreatePlan final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_data;
    std::unique_ptr<test::ServiceProcess> m_gateway;
    quint16 m_port = 0;
    QList<QPair<QByteArray, QByteArray>> m_auth;

    QString scriptsDir() const { return m_data + QStringLiteral("/recovery_scripts"); }
    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    QStringList dataArgs() const { return { QStringLiteral("--data-dir"), m_data }; }

    // The tfctl commands of a plan script: every line that runs something.
    static QStringList scriptCommands(const QString &text)
    {
        QStringList commands;
        for (const QString &line : text.split(QLatin1Char('\n'))) {
            const QString trimmed = line.trimmed();
            if (trimmed.isEmpty() || trimmed.startsWith(QLatin1Char('#')) || trimmed.startsWith(QLatin1String("set "))
                || trimmed.startsWith(QLatin1String("TFCTL=")) || trimmed.startsWith(QLatin1String("TF_ARGS="))
                || trimmed.startsWith(QLatin1String("step() ")) || trimmed.startsWith(QLatin1String("step "))
                || trimmed.startsWith(QLatin1String("printf ")))
                continue;
            commands << trimmed;
        }
        return commands;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_data = m_dir.filePath(QStringLiteral("data"));
        m_port = test::freePort();
        m_gateway = std::make_unique<test::ServiceProcess>(
            test::binary(QStringLiteral("tf-gateway")),
            QStringList { QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--sync-port"),
                          QString::number(test::freePort()), QStringLiteral("--data-dir"), m_data });
        QVERIFY(m_gateway->start());
        QVERIFY2(m_gateway->waitHealthy(base() + QStringLiteral("/health/ready")), m_gateway->output().constData());
        m_auth = test::authorizationHeaders(test::gatewayAdminAuthorization(base(), m_data));
        QVERIFY(!m_auth.isEmpty());
    }

    void writesPlanAndExecutableScript()
    {
        const Run run = tfctl(QStringList { QStringLiteral("create-plan"), QStringLiteral("service_outage") } + dataArgs());
        QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
        QVERIFY2(run.err.isEmpty(), run.err.constData());
        const QRegularExpressionMatch plan = QRegularExpression(QStringLiteral("recovery plan: (\\S+\\.md)")).match(QString::fromUtf8(run.out));
        const QRegularExpressionMatch script = QRegularExpression(QStringLiteral("script:\\s+(\\S+\\.sh)")).match(QString::fromUtf8(run.out));
        QVERIFY(plan.hasMatch() && script.hasMatch());
        QCOMPARE(QFileInfo(plan.captured(1)).absolutePath(), QDir(scriptsDir()).absolutePath());
        QVERIFY(QFileInfo(plan.captured(1)).fileName().startsWith(QStringLiteral("recovery_plan_service_outage_")));

        QFile markdown(plan.captured(1));
        QVERIFY(markdown.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(markdown.readAll());
        QVERIFY(text.startsWith(QStringLiteral("# TerraFusion SyncService Recovery Plan")));
        QVERIFY(text.contains(QStringLiteral("**Issue Type:** service_outage")));
        QVERIFY(text.contains(QStringLiteral("**Affected Components:** gateway, syncd")));
        QVERIFY(text.contains(QStringLiteral("## Verification Steps")));
        QVERIFY(text.contains(QStringLiteral("`%1/api/status`").arg(base())));

        const QFileInfo scriptInfo(script.captured(1));
        QVERIFY(scriptInfo.isExecutable());
        QFile scriptFile(script.captured(1));
        QVERIFY(scriptFile.open(QIODevice::ReadOnly));
        const QString scriptText = QString::fromUtf8(scriptFile.readAll());
        QVERIFY(scriptText.startsWith(QStringLiteral("#!/usr/bin/env bash\n")));
        QCOMPARE(runProgram(QStringLiteral("bash"), { QStringLiteral("-n"), script.captured(1) }).exitCode, 0);
        // Every step is a tfctl command that tfctl knows.
        const QStringList commands = scriptCommands(scriptText);
        QCOMPARE(commands.size(), 4); // check, restart-sync, restart-api, check
        for (const QString &command : commands) {
            QVERIFY2(command.startsWith(QStringLiteral("\"$TFCTL\" ")), qPrintable(command));
            QVERIFY2(command.contains(QStringLiteral("\"${TF_ARGS[@]}\"")), qPrintable(command));
            const QString verb = command.section(QLatin1Char(' '), 1, 1);
            QVERIFY2(tfctl({ verb, QStringLiteral("--help") }).exitCode == 0, qPrintable(verb));
        }
        QVERIFY(commands.at(1).startsWith(QStringLiteral("\"$TFCTL\" restart-sync")));
        QVERIFY(commands.at(2).startsWith(QStringLiteral("\"$TFCTL\" restart-api")));
    }

    void scriptRunsAgainstTheRealSystem()
    {
        const Run created = tfctl(QStringList { QStringLiteral("create-plan"), QStringLiteral("service_outage"), QStringLiteral("--components"),
                                                QStringLiteral("syncd"), QStringLiteral("--json") } + dataArgs());
        QVERIFY2(created.exitCode == 0, qPrintable(describe(created)));
        const QJsonObject plan = created.json();
        QCOMPARE(plan.value(QStringLiteral("components")).toArray(), QJsonArray { QStringLiteral("syncd") });
        const QString script = scriptsDir() + QLatin1Char('/') + plan.value(QStringLiteral("script")).toString();
        QProcessEnvironment environment = test::ServiceProcess::cleanEnvironment();
        environment.insert(QStringLiteral("TFCTL"), test::binary(QStringLiteral("tfctl")));
        const Run run = runProgram(script, {}, environment);
        QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
        QVERIFY(run.out.contains("==> step 3: Restart the SyncService (tf-syncd)"));
        QVERIFY(run.out.contains("tf-syncd healthy"));
        QVERIFY(run.out.contains("overall: healthy"));
        QVERIFY(run.out.contains("finished"));
    }

    void commandsFollowTheScenario()
    {
        const Run corruption = tfctl(QStringList { QStringLiteral("create-plan"), QStringLiteral("data_corruption"), QStringLiteral("--json") } + dataArgs());
        QVERIFY2(corruption.exitCode == 0, qPrintable(describe(corruption)));
        const QStringList commands = corruption.json().value(QStringLiteral("commands")).toVariant().toStringList();
        QVERIFY(commands.value(1).startsWith(QStringLiteral("tfctl backup --label pre-fix-corruption")));
        QVERIFY(commands.value(2).startsWith(QStringLiteral("tfctl fix-corruption all ")));
        const Run failure = tfctl(QStringList { QStringLiteral("create-plan"), QStringLiteral("complete_failure"), QStringLiteral("--json") } + dataArgs());
        QVERIFY2(failure.exitCode == 0, qPrintable(describe(failure)));
        QCOMPARE(failure.json().value(QStringLiteral("components")).toArray().size(), 3);
        QVERIFY(failure.json().value(QStringLiteral("commands")).toVariant().toStringList().value(1).startsWith(QStringLiteral("tfctl recover ")));
    }

    void badArgumentsExitTwoWithUsage_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("no scenario") << QStringList { QStringLiteral("create-plan") } << QStringLiteral("a scenario is required");
        QTest::newRow("unknown scenario") << QStringList { QStringLiteral("create-plan"), QStringLiteral("meteor_strike") } << QStringLiteral("unknown scenario 'meteor_strike'");
        QTest::newRow("unknown component") << QStringList { QStringLiteral("create-plan"), QStringLiteral("service_outage"), QStringLiteral("--components"), QStringLiteral("gateway,dns") } << QStringLiteral("unknown component 'dns'");
    }

    void badArgumentsExitTwoWithUsage()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const QStringList before = QDir(scriptsDir()).entryList(QDir::Files);
        const Run run = tfctl(arguments + dataArgs());
        QVERIFY2(run.exitCode == 2, qPrintable(describe(run)));
        QVERIFY2(run.err.contains(message.toUtf8()), run.err.constData());
        QVERIFY(run.err.contains("service_outage|data_corruption|complete_failure") || run.err.contains("gateway, syncd, database")
                || run.err.contains("see --help"));
        QCOMPARE(run.err.count('\n'), 1);
        QCOMPARE(QDir(scriptsDir()).entryList(QDir::Files), before);
    }

    void apiListsCreatesAndChecksNames()
    {
        QCOMPARE(test::http("GET", base() + QStringLiteral("/api/recovery-plans")).status, 401);
        const auto created = test::http("POST", base() + QStringLiteral("/api/recovery-plans"),
                                         R"({"scenario": "complete_failure", "components": ["database"]})", m_auth);
        QVERIFY2(created.status == 201, created.body.constData());
        const QString name = created.json().value(QStringLiteral("name")).toString();
        QVERIFY(QFile::exists(scriptsDir() + QLatin1Char('/') + name));
        QVERIFY(QFileInfo(scriptsDir() + QLatin1Char('/') + created.json().value(QStringLiteral("script")).toString()).isExecutable());
        QCOMPARE(created.headers.value("location"), (QStringLiteral("/api/recovery-plans/") + name).toUtf8());

        const auto list = test::http("GET", base() + QStringLiteral("/api/recovery-plans"), {}, m_auth);
        QCOMPARE(list.status, 200);
        QCOMPARE(list.json().keys(), QStringList({ QStringLiteral("items"), QStringLiteral("next_cursor") }));
        const QJsonArray plans = list.json().value(QStringLiteral("items")).toArray();
        QVERIFY(plans.size() >= 4); // three from tfctl above, one from the API
        QCOMPARE(plans.first().toObject().value(QStringLiteral("scenario")).toString(), QStringLiteral("complete_failure"));
        // Paged one at a time, the same plans in the same order.
        QJsonArray paged;
        QString cursor;
        for (int i = 0; i < 20; ++i) {
            const QJsonObject page = test::http("GET", base() + QStringLiteral("/api/recovery-plans?limit=1") + (cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor),
                                                {}, m_auth).json();
            for (const QJsonValue &plan : page.value(QStringLiteral("items")).toArray())
                paged.append(plan);
            cursor = page.value(QStringLiteral("next_cursor")).toString();
            if (cursor.isEmpty())
                break;
        }
        QCOMPARE(paged, plans);

        const auto one = test::http("GET", base() + QStringLiteral("/api/recovery-plans/") + name, {}, m_auth);
        QCOMPARE(one.status, 200);
        QVERIFY2(one.headers.value("etag").startsWith("\"sha256:"), one.headers.value("etag").constData());
        QVERIFY(one.json().value(QStringLiteral("markdown")).toString().contains(QStringLiteral("**Issue Type:** complete_failure")));
        QVERIFY(one.json().value(QStringLiteral("script_text")).toString().contains(QStringLiteral("\"$TFCTL\" recover")));

        // Names are checked: nothing outside the folder, nothing that is not a plan.
        for (const QString &bad : { QStringLiteral("..%2F..%2Fsecret.key"), QStringLiteral("secret.key"), QStringLiteral("recovery_plan_x.md"),
                                    QStringLiteral("..%2Frecovery_scripts%2Frecovery.log") }) {
            const auto refused = test::http("GET", base() + QStringLiteral("/api/recovery-plans/") + bad, {}, m_auth);
            QVERIFY2(refused.status == 400 || refused.status == 404, qPrintable(bad));
            QVERIFY2(!refused.body.contains("BEGIN") && refused.json().contains(QStringLiteral("detail")), refused.body.constData());
        }
        QCOMPARE(test::http("GET", base() + QStringLiteral("/api/recovery-plans/secret.key"), {}, m_auth).status, 400);
        QCOMPARE(test::http("GET", base() + QStringLiteral("/api/recovery-plans/recovery_plan_service_outage_19990101_000000.md"), {}, m_auth).status, 404);

        const auto badScenario = test::http("POST", base() + QStringLiteral("/api/recovery-plans"), R"({"scenario": "meteor_strike"})", m_auth);
        QCOMPARE(badScenario.status, 422);
        QVERIFY(badScenario.body.contains("scenario"));
        // Every problem at once, each named by its JSON path.
        const auto several = test::http("POST", base() + QStringLiteral("/api/recovery-plans"),
                                        R"({"scenario": "meteor_strike", "components": ["gateway", "dns", 7], "path": "/etc"})", m_auth);
        QCOMPARE(several.status, 422);
        QStringList fields;
        for (const QJsonValue &problem : several.json().value(QStringLiteral("errors")).toArray())
            fields << problem.toObject().value(QStringLiteral("field")).toString();
        fields.sort();
        QCOMPARE(fields, QStringList({ QStringLiteral("components[1]"), QStringLiteral("components[2]"), QStringLiteral("path"),
                                       QStringLiteral("scenario") }));
        QCOMPARE(test::http("POST", base() + QStringLiteral("/api/recovery-plans"), R"({"scenario": "service_outage", "components": ["dns"]})", m_auth).status, 422);
        QCOMPARE(test::http("POST", base() + QStringLiteral("/api/recovery-plans"), R"({"scenario": 5})", m_auth).status, 422);
        QCOMPARE(test::http("POST", base() + QStringLiteral("/api/recovery-plans"), R"({"scenario": "service_outage", "path": "/etc"})", m_auth).status, 422);
        QCOMPARE(test::http("POST", base() + QStringLiteral("/api/recovery-plans"), "{not json", m_auth).status, 400);
    }
};

QTEST_GUILESS_MAIN(TestCreatePlan)
#include "tst_createplan.moc"
