// tfctl quarantine list across pairs, with --pair, --entity, --rule, --since, --limit and
// --json, on the PACS to CAMA demo's deliberately broken rows (real tfctl, real SQLite).
#include "testsupport.h"
#include "toolrun.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace tf;

namespace {

using Run = test::ToolRun;

} // namespace

class TestTfctlQuarantine final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QStringList m_where;

    Run tfctl(const QStringList &arguments)
    {
        test::ToolOptions options;
        options.timeoutMs = 120000;
        return test::runTool(QStringLiteral("tfctl"), arguments + m_where, options);
    }

    QJsonArray list(const QStringList &filters)
    {
        const Run run = tfctl(QStringList { QStringLiteral("quarantine"), QStringLiteral("list"), QStringLiteral("--json") } + filters);
        if (run.exitCode != 0)
            qWarning("%s", qPrintable(run.describe()));
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(run.out, &error);
        if (error.error != QJsonParseError::NoError || !document.isArray())
            qWarning("not a JSON array: %s", run.out.constData());
        return document.array();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_where = { QStringLiteral("--data-dir"), m_dir.path() };
        QCOMPARE(test::initPlatform(m_where).exitCode, 0);
        const Run demo = tfctl({ QStringLiteral("demo"), QStringLiteral("install"), QStringLiteral("--parcels"), QStringLiteral("400") });
        QVERIFY2(demo.exitCode == 0, qPrintable(demo.describe()));
        for (const QString &pair : { QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("4") }) {
            const Run run = tfctl({ QStringLiteral("sync"), QStringLiteral("run"), pair });
            QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
        }
    }

    void acrossPairs()
    {
        const QJsonArray all = list({});
        QSet<QString> pairs;
        qint64 previousId = std::numeric_limits<qint64>::max();
        for (const QJsonValue &entry : all) {
            QVERIFY(entry[QStringLiteral("pair_id")].isDouble()); // the demo's pairs have integer ids
            pairs.insert(QString::number(entry[QStringLiteral("pair_id")].toInteger()));
            QVERIFY(entry[QStringLiteral("id")].toInteger() < previousId); // newest first
            previousId = entry[QStringLiteral("id")].toInteger();
        }
        QVERIFY2(pairs.size() >= 2, "the demo breaks rows of more than one pair");
        int perPair = 0;
        for (const QString &pair : pairs)
            perPair += list({ QStringLiteral("--pair"), pair }).size();
        QCOMPARE(perPair, all.size());
        // The older spelling, the pair as an argument, still works.
        const Run byArgument = tfctl({ QStringLiteral("quarantine"), QStringLiteral("list"), *pairs.cbegin() });
        QVERIFY2(byArgument.exitCode == 0, qPrintable(byArgument.describe()));
        QVERIFY(byArgument.out.startsWith("id "));
    }

    void filters()
    {
        const QJsonArray all = list({});
        const QJsonObject first = all.first().toObject();
        const QString rule = first.value(QStringLiteral("rule")).toString();
        const QString entity = first.value(QStringLiteral("entity")).toString();
        const QJsonArray byRule = list({ QStringLiteral("--rule"), rule });
        QVERIFY(!byRule.isEmpty());
        for (const QJsonValue &entry : byRule)
            QCOMPARE(entry[QStringLiteral("rule")].toString(), rule);
        const QJsonArray byEntity = list({ QStringLiteral("--entity"), entity });
        QVERIFY(!byEntity.isEmpty());
        for (const QJsonValue &entry : byEntity)
            QCOMPARE(entry[QStringLiteral("entity")].toString(), entity);
        QCOMPARE(list({ QStringLiteral("--since"), QStringLiteral("1h") }).size(), all.size());
        QCOMPARE(list({ QStringLiteral("--since"), QStringLiteral("2999-01-01") }).size(), 0);

        const Run limited = tfctl({ QStringLiteral("quarantine"), QStringLiteral("list"), QStringLiteral("--limit"), QStringLiteral("1"),
                                    QStringLiteral("--json") });
        QCOMPARE(limited.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(limited.out).array().size(), 1);
        QVERIFY2(limited.err.contains("raise --limit or narrow the filters"), qPrintable(limited.describe()));
    }

    void badInput()
    {
        for (const QStringList &arguments :
             { QStringList { QStringLiteral("--since"), QStringLiteral("yesterday") }, QStringList { QStringLiteral("--limit"), QStringLiteral("0") },
               QStringList { QStringLiteral("1"), QStringLiteral("--pair"), QStringLiteral("2") } }) {
            const Run run = tfctl(QStringList { QStringLiteral("quarantine"), QStringLiteral("list") } + arguments);
            QCOMPARE(run.exitCode, 2);
            QCOMPARE(run.err.trimmed().count('\n'), 0);
        }
        const Run unknown = tfctl({ QStringLiteral("quarantine"), QStringLiteral("list"), QStringLiteral("--pair"), QStringLiteral("nope") });
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains("no sync pair with id or name 'nope'"));
    }
};

QTEST_GUILESS_MAIN(TestTfctlQuarantine)
#include "tst_tfctl_quarantine.moc"
