// The runbook's backup commands through the real tfctl: backup (progress lines), list,
// restore --yes (every table back), restore without --yes and without a terminal (exit 2,
// nothing changed), damaged files and bad arguments (exit 2 with one line), retention.
#include "tst_backup_fixture.h"
#include "toolrun.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>

using namespace tf;

namespace {

using Run = test::ToolRun;

Run tfctl(const QStringList &arguments)
{
    test::ToolOptions options; // closeStdin: stdin an empty pipe, not a terminal
    options.timeoutMs = 60000;
    return test::runTool(QStringLiteral("tfctl"), arguments, options);
}

QByteArray describe(const Run &run)
{
    return QStringLiteral("exit %1\n--- stdout ---\n%2\n--- stderr ---\n%3")
        .arg(run.exitCode)
        .arg(QString::fromUtf8(run.out.right(3000)), QString::fromUtf8(run.err.right(3000)))
        .toUtf8();
}

// The one line a usage error prints on stderr.
bool oneLine(const Run &run, const char *needle)
{
    const QByteArray text = run.err.trimmed();
    return run.exitCode == 2 && !text.contains('\n') && text.contains(needle);
}

} // namespace

class TestTfctlBackup final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void backupListRestore_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }
    void backupListRestore()
    {
        QFETCH(QString, backend);
        BACKUP_ENV(env, backend);
        backuptest::seed(env.database(), 2000);
        const ops::TableChecksums seeded = ops::tableChecksums(env.url);
        QStringList where { QStringLiteral("--data-dir"), env.dataDir() };
        if (backend == QLatin1String("postgres"))
            where << QStringLiteral("--database") << env.url;

        const Run backup = tfctl(QStringList { QStringLiteral("backup"), QStringLiteral("--label"),
                                               QStringLiteral("first") }
                                 + where);
        QVERIFY2(backup.exitCode == 0, describe(backup));
        static const QRegularExpression written(
            QStringLiteral("backup (terrafusion-\\S+-first\\.(sqlite|dump)) written: "));
        const QRegularExpressionMatch match = written.match(QString::fromUtf8(backup.out));
        QVERIFY2(match.hasMatch(), describe(backup));
        const QString name = match.captured(1);
        // Progress lines: "[   0.1s]  35% ..." for the copy, the checksums and the SHA-256.
        static const QRegularExpression progressLine(
            QStringLiteral("(?m)^\\[\\s*\\d+\\.\\ds\\]\\s+\\d+% "));
        QVERIFY2(QString::fromUtf8(backup.out).count(progressLine) >= 4, describe(backup));
        QVERIFY2(backup.out.contains("sha256: "), describe(backup));

        const Run list = tfctl(QStringList { QStringLiteral("list") } + where);
        QVERIFY2(list.exitCode == 0, describe(list));
        QVERIFY2(list.out.contains(name.toUtf8()) && list.out.contains(" yes"), describe(list));
        const Run json
            = tfctl(QStringList { QStringLiteral("list"), QStringLiteral("--json") } + where);
        QVERIFY2(json.exitCode == 0, describe(json));
        const QJsonArray listed = QJsonDocument::fromJson(json.out).array();
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.first().toObject().value(QStringLiteral("name")).toString(), name);
        QVERIFY(listed.first().toObject().value(QStringLiteral("verified")).toBool());
        QCOMPARE(listed.first()
                     .toObject()
                     .value(QStringLiteral("row_counts"))
                     .toObject()
                     .value(QStringLiteral("sync_state"))
                     .toInt(),
                 2000);

        backuptest::change(env.database());
        const ops::TableChecksums changed = ops::tableChecksums(env.url);

        // No terminal, no --yes: refused, nothing changed.
        const Run unconfirmed = tfctl(QStringList { QStringLiteral("restore"), name } + where);
        QVERIFY2(oneLine(unconfirmed, "pass --yes"), describe(unconfirmed));
        QVERIFY(ops::compareTableChecksums(changed, ops::tableChecksums(env.url)).isEmpty());

        const Run restored = tfctl(
            QStringList { QStringLiteral("restore"), name, QStringLiteral("--yes") } + where);
        QVERIFY2(restored.exitCode == 0, describe(restored));
        QVERIFY2(restored.out.contains("SHA-256 verified"), describe(restored));
        QVERIFY2(restored.out.contains("identical to the backup"), describe(restored));
        QVERIFY2(restored.out.contains("pre-restore"), describe(restored));
        QVERIFY2(QString::fromUtf8(restored.out).count(progressLine) >= 5, describe(restored));
        ops::TableChecksums now = ops::tableChecksums(env.url);
        // The restore's own audit entry came after; the rest is the backup's.
        now.remove(QStringLiteral("audit_entries"));
        ops::TableChecksums expected = backuptest::dataTables(seeded);
        expected.remove(QStringLiteral("audit_entries"));
        const QStringList differences
            = ops::compareTableChecksums(expected, backuptest::dataTables(now));
        QVERIFY2(differences.isEmpty(), backuptest::describe(differences));
        QCOMPARE(
            backuptest::column(
                env.database(),
                QStringLiteral("SELECT event_type FROM audit_entries ORDER BY id DESC LIMIT 1")),
            QStringList { QStringLiteral("backup.restored") });
    }

    void refusesDamageAndBadArguments()
    {
        BACKUP_ENV(env, QStringLiteral("sqlite"));
        backuptest::seed(env.database(), 50, false);
        const QStringList where { QStringLiteral("--data-dir"), env.dataDir() };
        const Run backup = tfctl(QStringList { QStringLiteral("backup") } + where);
        QVERIFY2(backup.exitCode == 0, describe(backup));
        const QString name
            = QDir(env.backupsDir()).entryList({ QStringLiteral("*.sqlite") }).value(0);
        QVERIFY(!name.isEmpty());

        // Bad arguments: exit 2, one line naming the problem (and the usage where it helps).
        QVERIFY2(oneLine(tfctl(QStringList { QStringLiteral("backup"), QStringLiteral("extra") }
                               + where),
                         "usage: tfctl backup"),
                 describe(tfctl(QStringList { QStringLiteral("backup"), QStringLiteral("extra") }
                                + where)));
        QVERIFY(oneLine(tfctl(QStringList { QStringLiteral("restore") } + where),
                        "usage: tfctl restore"));
        QVERIFY(oneLine(
            tfctl(QStringList { QStringLiteral("restore"), name, QStringLiteral("more") } + where),
            "usage: tfctl restore"));
        QVERIFY(oneLine(
            tfctl(QStringList { QStringLiteral("list"), QStringLiteral("--bogus") } + where),
            "bogus"));
        QVERIFY(oneLine(tfctl(QStringList { QStringLiteral("backup"), QStringLiteral("--keep"),
                                            QStringLiteral("many") }
                              + where),
                        "backup/keep"));
        QVERIFY(oneLine(tfctl(QStringList { QStringLiteral("backup"), QStringLiteral("--label"),
                                            QStringLiteral("../x") }
                              + where),
                        "label"));
        QVERIFY(oneLine(tfctl(QStringList { QStringLiteral("restore"), QStringLiteral(".."),
                                            QStringLiteral("--yes") }
                              + where),
                        "starts with a dot"));
        QVERIFY(oneLine(tfctl(QStringList { QStringLiteral("restore"),
                                            QStringLiteral("/etc/passwd"), QStringLiteral("--yes") }
                              + where),
                        "outside the backups folder"));
        QVERIFY(oneLine(tfctl(QStringList { QStringLiteral("restore"),
                                            QStringLiteral("nope.sqlite"), QStringLiteral("--yes") }
                              + where),
                        "no backup named 'nope.sqlite'"));

        // A damaged file: listed as not verified, and refused with the reason.
        QFile file(env.backupsDir() + QLatin1Char('/') + name);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.resize(file.size() - 100));
        file.close();
        backuptest::change(env.database());
        const ops::TableChecksums before = ops::tableChecksums(env.url);
        const Run list = tfctl(QStringList { QStringLiteral("list") } + where);
        QVERIFY2(list.exitCode == 0 && list.out.contains("NO: truncated"), describe(list));
        const Run refused = tfctl(
            QStringList { QStringLiteral("restore"), name, QStringLiteral("--yes") } + where);
        QVERIFY2(oneLine(refused, "truncated"), describe(refused));
        QVERIFY(refused.err.contains("nothing was changed"));
        QVERIFY(ops::compareTableChecksums(before, ops::tableChecksums(env.url)).isEmpty());

        // Retention from the command line: keep the newest one.
        const Run kept = tfctl(
            QStringList { QStringLiteral("backup"), QStringLiteral("--keep"), QStringLiteral("1") }
            + where);
        QVERIFY2(
            kept.exitCode == 0
                && kept.out.contains(QByteArray(
                    QByteArray("retention (keep 1, max age 0 days): removed ") + name.toUtf8())),
            describe(kept));
        QCOMPARE(QDir(env.backupsDir()).entryList({ QStringLiteral("*.sqlite") }).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestTfctlBackup)
#include "tst_tfctl_backup.moc"
