// The runbook's backup commands through the real tfctl: backup (progress lines), list,
// restore --yes (every table back), restore without --yes and without a terminal (exit 2,
// nothing changed), damaged files and bad arguments (exit 2 with one line), retention.
#include "tst_backup_fixture.h"
#include "toolrun.h"

#include "core/secretbox.h"
#include "db/repositories/systemrepository.h"
#include "sync/systems/systemdefinition.h"
#include "sync/systems/systemregistry.h"

#include <QDir>
#include <QFile>
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

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
}

// The newest backup data file in a folder (names sort by time).
QString latestBackup(const QString &dir)
{
    QStringList names = QDir(dir).entryList({ QStringLiteral("*.sqlite"), QStringLiteral("*.dump") }, QDir::Files, QDir::Name);
    return names.isEmpty() ? QString() : names.last();
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

    // The secret key travels with every backup: restored onto a fresh data directory (and,
    // for PostgreSQL, a fresh database) the systems' credentials decrypt. A different key in
    // place is never overwritten silently. A damaged key makes the backup unverified.
    void keyTravelsWithBackups_data() { backupListRestore_data(); }
    void keyTravelsWithBackups()
    {
        QFETCH(QString, backend);
        BACKUP_ENV(env, backend);
        QStringList where { QStringLiteral("--data-dir"), env.dataDir() };
        if (backend == QLatin1String("postgres"))
            where << QStringLiteral("--database") << env.url;
        SecretBox::fromEnvironmentOrKeyFile(env.dataDir()); // what the services' first start makes
        const QByteArray originalKey = readAll(env.dataDir() + QStringLiteral("/secret.key"));
        QVERIFY(!originalKey.isEmpty());

        const QString definition = env.dir.filePath(QStringLiteral("system.json"));
        writeFile(definition, QJsonDocument(QJsonObject {
            { QStringLiteral("name"), QStringLiteral("CAMA") }, { QStringLiteral("kind"), QStringLiteral("postgres") },
            { QStringLiteral("settings"), QJsonObject { { QStringLiteral("url"), QStringLiteral("postgresql://db.example:5432/cama") } } },
            { QStringLiteral("credentials"), QJsonObject { { QStringLiteral("user"), QStringLiteral("sync") },
                                                           { QStringLiteral("password"), QStringLiteral("kept-secret-42") } } } }).toJson());
        const Run added = tfctl(QStringList { QStringLiteral("system"), QStringLiteral("add"), definition } + where);
        QVERIFY2(added.exitCode == 0, describe(added));

        const Run backup = tfctl(QStringList { QStringLiteral("backup"), QStringLiteral("--label"), QStringLiteral("keyed") } + where);
        QVERIFY2(backup.exitCode == 0, describe(backup));
        QVERIFY2(backup.out.contains(".key (0600)"), describe(backup));
        const QString name = latestBackup(env.backupsDir());
        const QString data = env.backupsDir() + QLatin1Char('/') + name;
        QCOMPARE(readAll(data + QStringLiteral(".key")), originalKey);
        QCOMPARE(QFileInfo(data + QStringLiteral(".key")).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());

        // A new server: an empty data directory (and an empty PostgreSQL database).
        QTemporaryDir fresh;
        QStringList there { QStringLiteral("--data-dir"), fresh.path() };
        QString freshUrl = QStringLiteral("sqlite://") + fresh.filePath(QStringLiteral("terrafusion.db"));
        if (backend == QLatin1String("postgres")) {
            freshUrl = test::createScratchPostgresDatabase(QStringLiteral("tfbknew"));
            there << QStringLiteral("--database") << freshUrl;
        }
        const QString copied = fresh.filePath(name);
        for (const QString &suffix : { QString(), QStringLiteral(".manifest.json"), QStringLiteral(".sha256"), QStringLiteral(".key") })
            QVERIFY(QFile::copy(data + suffix, copied + suffix));
        const Run restored = tfctl(QStringList { QStringLiteral("restore"), copied, QStringLiteral("--yes"),
                                                 QStringLiteral("--allow-external") } + there);
        QVERIFY2(restored.exitCode == 0, describe(restored));
        QVERIFY2(restored.out.contains("no safety backup: the control database is new"), describe(restored));
        QVERIFY2(restored.out.contains("restored the backup's"), describe(restored));
        QCOMPARE(readAll(fresh.filePath(QStringLiteral("secret.key"))), originalKey);
        {
            auto control = db::ControlDatabase::open(freshUrl, false);
            const SecretBox box = SecretBox::fromEnvironmentOrKeyFile(fresh.path());
            sync::SystemRegistry registry(control->database(), box);
            const qint64 id = db::SystemRepository(control->database()).list().first().id;
            QCOMPARE(registry.load(id).credentials.value(QStringLiteral("password")).toString(), QStringLiteral("kept-secret-42"));
        }

        // Another key in place: refused with the reason, nothing changed; then each choice.
        QVERIFY(QFile::remove(fresh.filePath(QStringLiteral("secret.key"))));
        SecretBox::fromEnvironmentOrKeyFile(fresh.path());
        const QByteArray otherKey = readAll(fresh.filePath(QStringLiteral("secret.key")));
        QVERIFY(otherKey != originalKey);
        const QStringList again = QStringList { QStringLiteral("restore"), copied, QStringLiteral("--yes"),
                                                QStringLiteral("--allow-external"), QStringLiteral("--no-safety-backup") } + there;
        const Run refused = tfctl(again);
        QVERIFY2(oneLine(refused, "its secret key differs"), describe(refused));
        QCOMPARE(readAll(fresh.filePath(QStringLiteral("secret.key"))), otherKey);
        const Run kept = tfctl(again + QStringList { QStringLiteral("--keep-current-key") });
        QVERIFY2(kept.exitCode == 0, describe(kept));
        QCOMPARE(readAll(fresh.filePath(QStringLiteral("secret.key"))), otherKey);
        const Run replaced = tfctl(again + QStringList { QStringLiteral("--use-backup-key") });
        QVERIFY2(replaced.exitCode == 0, describe(replaced));
        QCOMPARE(readAll(fresh.filePath(QStringLiteral("secret.key"))), originalKey);
        const QStringList aside = QDir(fresh.path()).entryList({ QStringLiteral("secret.key.replaced-*") });
        QCOMPARE(aside.size(), 1);
        QCOMPARE(readAll(fresh.filePath(aside.first())), otherKey);

        // A damaged key: the backup is no longer verified.
        writeFile(data + QStringLiteral(".key"), QByteArray(32, 'x'));
        const Run listed = tfctl(QStringList { QStringLiteral("list") } + where);
        QVERIFY2(listed.out.contains("secret key") && listed.out.contains("NO: "), describe(listed));

        // --without-key: warned loudly, and the manifest says no key.
        const Run keyless = tfctl(QStringList { QStringLiteral("backup"), QStringLiteral("--without-key") } + where);
        QVERIFY2(keyless.exitCode == 0, describe(keyless));
        QVERIFY2(keyless.err.contains("WARNING: --without-key"), describe(keyless));
        QVERIFY2(keyless.out.contains("key:    NOT INCLUDED"), describe(keyless));
        QVERIFY(!QFile::exists(env.backupsDir() + QLatin1Char('/') + latestBackup(env.backupsDir()) + QStringLiteral(".key")));
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
