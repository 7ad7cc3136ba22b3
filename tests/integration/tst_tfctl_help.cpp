// Every tfctl command has its own --help: its arguments, at least one example line
// ("  tfctl <command> ...") and the documentation section to read; no two are the same.
#include "testsupport.h"
#include "toolrun.h"

#include <QHash>
#include <QTest>

using namespace tf;

class TestTfctlHelp final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyCommandHasItsOwnHelp()
    {
        const QStringList commands { QStringLiteral("init"), QStringLiteral("sync"), QStringLiteral("verify"), QStringLiteral("quarantine"),
                                     QStringLiteral("audit"), QStringLiteral("system"), QStringLiteral("pair"),
                                     QStringLiteral("user"), QStringLiteral("config"), QStringLiteral("demo"),
                                     QStringLiteral("maintenance"), QStringLiteral("tune"), QStringLiteral("backup"),
                                     QStringLiteral("list"), QStringLiteral("restore"), QStringLiteral("check"),
                                     QStringLiteral("restart-api"), QStringLiteral("restart-sync"),
                                     QStringLiteral("restart-all"), QStringLiteral("recover"),
                                     QStringLiteral("fix-corruption"), QStringLiteral("create-plan") };
        // Every command of `tfctl --help` is in the list above.
        const test::ToolRun overview = test::runTool(QStringLiteral("tfctl"), { QStringLiteral("--help") });
        QCOMPARE(overview.exitCode, 0);
        for (const QByteArray &line : overview.out.split('\n')) {
            if (line.startsWith("  ") && !line.startsWith("   "))
                QVERIFY2(commands.contains(QString::fromUtf8(line.trimmed().split(' ').first())), line.constData());
        }

        QHash<QByteArray, QString> seen;
        for (const QString &command : commands) {
            const test::ToolRun run = test::runTool(QStringLiteral("tfctl"), { command, QStringLiteral("--help") });
            QVERIFY2(run.exitCode == 0, qPrintable(command + QLatin1Char('\n') + run.describe()));
            const QByteArray &help = run.out;
            QVERIFY2(help.contains("Usage:"), qPrintable(command));
            QVERIFY2(help.contains("--data-dir"), qPrintable(command));
            const QByteArray example = QByteArray("\nExamples:\n  tfctl ") + command.toUtf8();
            QVERIFY2(help.contains(QByteArray(example + ' ')) || help.contains(QByteArray(example + '\n')),
                     qPrintable(command + QStringLiteral(": no example line\n") + QString::fromUtf8(help)));
            QVERIFY2(help.contains("\nRead: ") && (help.contains("docs/") || help.contains("README.md")),
                     qPrintable(command + QStringLiteral(": no doc section")));
            QVERIFY2(!seen.contains(help), qPrintable(command + QStringLiteral(" prints the same help as ") + seen.value(help)));
            seen.insert(help, command);
        }
    }
};

QTEST_GUILESS_MAIN(TestTfctlHelp)
#include "tst_tfctl_help.moc"
