// ops::BackupManager on SQLite and PostgreSQL: backup, change, restore and every table is as
// it was (per-table checksums, and plain queries besides); damaged backups are refused with
// the reason and change nothing; names and paths outside the folder are refused; retention;
// an older backup is migrated after the restore.
#include "core/errors.h"
#include "ops/backupmanager.h"
#include "tst_backup_fixture.h"

#include <QFileInfo>
#include <QSet>

using namespace tf;
using backuptest::Env;

class TestBackup final : public QObject
{
    Q_OBJECT

private:
    static void backends()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }

    static QSet<QString> catalogue(db::Database &database)
    {
        const QStringList names
            = backuptest::column(database, QStringLiteral("SELECT file_name FROM backups"));
        return QSet<QString>(names.cbegin(), names.cend());
    }

    static QSet<QString> folder(const QString &dir)
    {
        QSet<QString> names;
        for (const QString &name : QDir(dir).entryList(QDir::Files)) {
            if (ops::isBackupDataFile(name))
                names.insert(name);
        }
        return names;
    }

    static Error expectError(const std::function<void()> &action)
    {
        try {
            action();
        } catch (const Error &error) {
            return error;
        }
        return Error(Error::Kind::Internal, QStringLiteral("no error was raised"));
    }

private Q_SLOTS:
    void roundTrip_data() { backends(); }
    void roundTrip()
    {
        QFETCH(QString, backend);
        BACKUP_ENV(env, backend);
        backuptest::seed(env.database(), 3000);
        QVERIFY(!QTest::currentTestFailed());
        const ops::TableChecksums seeded = ops::tableChecksums(env.url);
        const QStringList seededFeed = backuptest::changeFeed(env.database());
        QVERIFY(!seededFeed.isEmpty());

        ops::BackupManager manager(env.url, env.backupsDir());
        QList<double> fractions;
        QStringList messages;
        const ops::BackupInfo backup = manager.create(QStringLiteral("nightly"),
                                                      [&](double fraction, const QString &message) {
                                                          fractions << fraction;
                                                          messages << message;
                                                      });
        QVERIFY2(backup.verified, qPrintable(backup.problem));
        QVERIFY(backup.name.startsWith(QLatin1String("terrafusion-")));
        QVERIFY(backup.name.endsWith(backend == QLatin1String("postgres")
                                         ? QLatin1String("-nightly.dump")
                                         : QLatin1String("-nightly.sqlite")));
        QVERIFY(QFileInfo::exists(backup.path + QStringLiteral(".sha256")));
        QVERIFY(QFileInfo::exists(backup.path + QStringLiteral(".manifest.json")));
        // Progress from 0 to 1, with steps in between.
        QCOMPARE(fractions.first(), 0.0);
        QCOMPARE(fractions.last(), 1.0);
        QVERIFY2(messages.size() >= 4, qPrintable(messages.join(QLatin1Char('\n'))));

        // The manifest: schema version, rows and checksum per table, the sync state included.
        QCOMPARE(backup.schemaVersion, db::Migrator::latestKnownVersion(env.database().dialect()));
        const QJsonObject rowCounts
            = backup.manifest.value(QStringLiteral("row_counts")).toObject();
        QCOMPARE(rowCounts.value(QStringLiteral("sync_state")).toInteger(), 3000);
        QCOMPARE(rowCounts.value(QStringLiteral("sync_checkpoints")).toInteger(), 1);
        QCOMPARE(rowCounts.value(QStringLiteral("sync_pairs")).toInteger(), 2);
        const ops::TableChecksums inManifest = ops::tableChecksumsFromJson(
            backup.manifest.value(QStringLiteral("tables")).toObject());
        // The snapshot is the database as it was when the backup began: every table.
        QVERIFY2(ops::compareTableChecksums(seeded, inManifest).isEmpty(),
                 backuptest::describe(ops::compareTableChecksums(seeded, inManifest)));
        QCOMPARE(catalogue(env.database()), QSet<QString> { backup.name });

        // Change every kind of row; the checksums see it.
        backuptest::change(env.database());
        const QStringList changes = ops::compareTableChecksums(
            backuptest::dataTables(seeded), backuptest::dataTables(ops::tableChecksums(env.url)));
        for (const char *table :
             { "sync_pairs", "sync_state", "sync_checkpoints", "systems", "system_metrics" })
            QVERIFY2(changes.join(QLatin1Char('\n')).contains(QLatin1String(table)), table);

        const ops::RestoreResult result = manager.restore(backup.name);
        QCOMPARE(result.restored.name, backup.name);
        QVERIFY(!result.safetyBackup.isEmpty());
        QVERIFY(result.safetyBackup.contains(QLatin1String("pre-restore")));
        QVERIFY(manager.verify(result.safetyBackup).verified);
        QCOMPARE(result.rowCounts.value(QStringLiteral("sync_state")).toInteger(), 3000);

        // Every table identical to the backup...
        const ops::TableChecksums restored = ops::tableChecksums(env.url);
        const QStringList differences = ops::compareTableChecksums(
            backuptest::dataTables(seeded), backuptest::dataTables(restored));
        QVERIFY2(differences.isEmpty(), backuptest::describe(differences));
        QCOMPARE(backuptest::changeFeed(env.database()), seededFeed);
        // ... and seen with plain queries, not only through checksums.
        db::Database &database = env.database();
        QCOMPARE(
            backuptest::column(database, QStringLiteral("SELECT name FROM sync_pairs ORDER BY id")),
            (QStringList { QStringLiteral("Property"), QStringLiteral("Owner") }));
        QCOMPARE(backuptest::scalar(database, QStringLiteral("SELECT COUNT(*) FROM sync_state")),
                 3000);
        QCOMPARE(
            backuptest::column(database, QStringLiteral("SELECT key_text FROM sync_checkpoints")),
            QStringList { QStringLiteral("k42") });
        QCOMPARE(backuptest::scalar(database, QStringLiteral("SELECT COUNT(*) FROM systems")), 2);
        QCOMPARE(backuptest::scalar(database, QStringLiteral("SELECT COUNT(*) FROM audit_entries")),
                 3);
        // The catalogue follows the folder: the backup and the safety backup.
        QCOMPARE(catalogue(database), folder(env.backupsDir()));
        QCOMPARE(folder(env.backupsDir()), (QSet<QString> { backup.name, result.safetyBackup }));
        QVERIFY(!QFileInfo::exists(env.pauseFile()));

        // The safety backup undoes the restore.
        manager.restore(result.safetyBackup, { false, false });
        QCOMPARE(backuptest::scalar(database, QStringLiteral("SELECT COUNT(*) FROM systems")), 3);
    }

    void refusesDamagedBackups_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("reason");
        for (const char *backend : { "sqlite", "postgres" }) {
            QTest::addRow("%s, corrupted byte", backend) << backend << "byte"
                                                         << "corrupted: the SHA-256";
            QTest::addRow("%s, truncated", backend) << backend << "truncate"
                                                    << "truncated:";
            QTest::addRow("%s, manifest edited", backend) << backend << "manifest"
                                                          << "corrupted: the manifest";
            QTest::addRow("%s, no checksum file", backend) << backend << "sha256"
                                                           << "no checksum file";
        }
    }
    void refusesDamagedBackups()
    {
        QFETCH(QString, backend);
        QFETCH(QString, damage);
        QFETCH(QString, reason);
        BACKUP_ENV(env, backend);
        backuptest::seed(env.database(), 200);
        ops::BackupManager manager(env.url, env.backupsDir());
        const ops::BackupInfo backup = manager.create();
        backuptest::change(env.database());
        const ops::TableChecksums before = ops::tableChecksums(env.url);

        if (damage == QLatin1String("byte") || damage == QLatin1String("truncate")) {
            QFile file(backup.path);
            QVERIFY(file.open(QIODevice::ReadWrite));
            const qint64 size = file.size();
            if (damage == QLatin1String("byte")) {
                QVERIFY(file.seek(size / 2));
                char byte = 0;
                QVERIFY(file.getChar(&byte));
                QVERIFY(file.seek(size / 2));
                QVERIFY(file.putChar(char(byte ^ 0x5a)));
            } else {
                QVERIFY(file.resize(size / 2));
            }
        } else if (damage == QLatin1String("manifest")) {
            QFile file(backup.path + QStringLiteral(".manifest.json"));
            QVERIFY(file.open(QIODevice::ReadOnly));
            QByteArray bytes = file.readAll();
            file.close();
            bytes.replace("\"sync_state\": 200", "\"sync_state\": 201");
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write(bytes);
        } else {
            QVERIFY(QFile::remove(backup.path + QStringLiteral(".sha256")));
        }

        const QStringList filesBefore = QDir(env.backupsDir()).entryList(QDir::Files);
        const Error error = expectError([&] { manager.restore(backup.name); });
        QCOMPARE(error.kind(), Error::Kind::Validation);
        QVERIFY2(error.message().contains(reason), qPrintable(error.message()));
        QVERIFY2(error.message().contains(backup.name), qPrintable(error.message()));
        QVERIFY2(error.message().contains(QLatin1String("nothing was changed")),
                 qPrintable(error.message()));

        // Nothing changed: the data, the folder (no safety backup), no pause left behind.
        const QStringList differences
            = ops::compareTableChecksums(before, ops::tableChecksums(env.url));
        QVERIFY2(differences.isEmpty(), backuptest::describe(differences));
        QCOMPARE(QDir(env.backupsDir()).entryList(QDir::Files), filesBefore);
        QVERIFY(!QFileInfo::exists(env.pauseFile()));

        const QList<ops::BackupInfo> listed = manager.list();
        QCOMPARE(listed.size(), 1);
        QVERIFY(!listed.first().verified);
        QVERIFY2(listed.first().problem.contains(reason), qPrintable(listed.first().problem));
    }

    // A manifest that agrees with its .sha256 but not with the data: SQLite compares the
    // file's tables before touching anything; PostgreSQL inside the restore's transaction,
    // which it then rolls back.
    void refusesDataThatDiffersFromItsManifest_data() { backends(); }
    void refusesDataThatDiffersFromItsManifest()
    {
        QFETCH(QString, backend);
        BACKUP_ENV(env, backend);
        backuptest::seed(env.database(), 300);
        ops::BackupManager manager(env.url, env.backupsDir());
        const ops::BackupInfo backup = manager.create();
        backuptest::rewriteManifest(backup.path, [](QJsonObject &manifest) {
            QJsonObject tables = manifest.value(QStringLiteral("tables")).toObject();
            QJsonObject state = tables.value(QStringLiteral("sync_state")).toObject();
            state.insert(QStringLiteral("rows"), 299);
            tables.insert(QStringLiteral("sync_state"), state);
            manifest.insert(QStringLiteral("tables"), tables);
        });
        QVERIFY(!QTest::currentTestFailed());
        QVERIFY(manager.verify(backup.name).verified); // the files agree with each other
        backuptest::change(env.database());
        const ops::TableChecksums before = ops::tableChecksums(env.url);

        const Error error = expectError([&] { manager.restore(backup.name, { false, false }); });
        QVERIFY2(error.message().contains(QLatin1String("sync_state: 300 rows, expected 299")),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(QLatin1String("nothing was changed")),
                 qPrintable(error.message()));
        const QStringList differences
            = ops::compareTableChecksums(before, ops::tableChecksums(env.url));
        QVERIFY2(differences.isEmpty(), backuptest::describe(differences));
        QVERIFY(!QFileInfo::exists(env.pauseFile()));
    }

    void refusesNamesAndPathsOutsideTheFolder()
    {
        BACKUP_ENV(env, QStringLiteral("sqlite"));
        backuptest::seed(env.database(), 10);
        ops::BackupManager manager(env.url, env.backupsDir());
        const ops::BackupInfo backup = manager.create();

        for (const QString &name :
             { QStringLiteral(".."), QStringLiteral(".hidden.sqlite"), QStringLiteral("a b.sqlite"),
               QStringLiteral("x;rm.sqlite"), QString(), QStringLiteral("notes.txt") }) {
            QCOMPARE(expectError([&] { manager.remove(name); }).kind(), Error::Kind::BadRequest);
            QCOMPARE(expectError([&] { manager.restore(name); }).kind(), Error::Kind::BadRequest);
            QCOMPARE(expectError([&] { manager.verify(name); }).kind(), Error::Kind::BadRequest);
        }
        // remove() takes names only: a path, even to a real backup, is refused.
        for (const QString &path : QStringList { QStringLiteral("../backups/") + backup.name,
                                                 backup.path, QStringLiteral("/etc/passwd") })
            QCOMPARE(expectError([&] { manager.remove(path); }).kind(), Error::Kind::BadRequest);
        QVERIFY(QFileInfo::exists(backup.path));
        QCOMPARE(expectError([&] { manager.verify(QStringLiteral("nope.sqlite")); }).kind(),
                 Error::Kind::NotFound);

        // A file outside the folder needs allowExternal; so does a link in the folder to one.
        const QString outside = env.dir.filePath(QStringLiteral("elsewhere"));
        QVERIFY(QDir().mkpath(outside));
        for (const QString &suffix :
             { QString(), QStringLiteral(".manifest.json"), QStringLiteral(".sha256") })
            QVERIFY(QFile::copy(backup.path + suffix,
                                outside + QLatin1Char('/') + backup.name + suffix));
        const QString external = outside + QLatin1Char('/') + backup.name;
        const QString traversal = env.backupsDir() + QStringLiteral("/../elsewhere/") + backup.name;
        QVERIFY(QFile::link(external, env.backupsDir() + QStringLiteral("/linked.sqlite")));
        for (const QString &path : { external, traversal, QStringLiteral("linked.sqlite"),
                                     QStringLiteral("/etc/passwd") }) {
            const Error error = expectError([&] { manager.restore(path, { false, false }); });
            QCOMPARE(error.kind(), Error::Kind::Validation);
            QVERIFY2(error.message().contains(QLatin1String("outside the backups folder")),
                     qPrintable(error.message()));
        }
        QVERIFY(manager.verify(external, true).verified);
        QVERIFY(manager.verify(traversal, true).verified);
        QVERIFY(!QFileInfo::exists(env.pauseFile()));
    }

    void retention()
    {
        BACKUP_ENV(env, QStringLiteral("sqlite"));
        backuptest::seed(env.database(), 10, false);
        ops::BackupManager manager(env.url, env.backupsDir());
        QStringList names;
        for (const char *label : { "a", "b", "c", "d" })
            names << manager.create(QString::fromLatin1(label)).name;
        backuptest::backdate(env.backupsDir() + QLatin1Char('/') + names.at(0), 40);
        QVERIFY(!QTest::currentTestFailed());

        QCOMPARE(manager.applyRetention(0, 30), QStringList { names.at(0) }); // by age
        QCOMPARE(manager.applyRetention(2, 0), QStringList { names.at(1) }); // by count
        QStringList left;
        for (const ops::BackupInfo &backup : manager.list())
            left << backup.name;
        QCOMPARE(left, (QStringList { names.at(3), names.at(2) }));
        QCOMPARE(catalogue(env.database()), (QSet<QString> { names.at(2), names.at(3) }));

        // The newest always stays, however old.
        backuptest::backdate(env.backupsDir() + QLatin1Char('/') + names.at(2), 50);
        backuptest::backdate(env.backupsDir() + QLatin1Char('/') + names.at(3), 45);
        QCOMPARE(manager.applyRetention(0, 30), QStringList { names.at(2) });
        QCOMPARE(manager.list().size(), 1);
        QCOMPARE(expectError([&] { manager.applyRetention(-1, 0); }).kind(),
                 Error::Kind::Validation);
    }

    void restoreMigratesAnOlderBackup_data() { backends(); }
    void restoreMigratesAnOlderBackup()
    {
        QFETCH(QString, backend);
        backuptest::Env env;
        if (!env.open(backend, false))
            TF_REQUIRE_POSTGRES(env.url);
        backuptest::migrateAllButNewest(env.url);
        QVERIFY(!QTest::currentTestFailed());
        backuptest::seed(env.database(), 500, false);
        const int latest = db::Migrator::latestKnownVersion(env.database().dialect());
        ops::BackupManager manager(env.url, env.backupsDir());
        const ops::BackupInfo old = manager.create(QStringLiteral("old"));
        QVERIFY(old.schemaVersion < latest);

        // The system is upgraded, then changed; the old backup comes back and is migrated.
        db::ControlDatabase::open(env.url, true);
        backuptest::change(env.database());
        const ops::RestoreResult result = manager.restore(old.name);
        QCOMPARE(result.schemaVersionBefore, old.schemaVersion);
        QCOMPARE(result.schemaVersionAfter, latest);
        QCOMPARE(db::Migrator::currentVersion(env.database()), latest);
        QCOMPARE(
            backuptest::scalar(env.database(), QStringLiteral("SELECT COUNT(*) FROM sync_state")),
            500);
        QCOMPARE(backuptest::column(env.database(),
                                    QStringLiteral("SELECT name FROM sync_pairs ORDER BY id")),
                 (QStringList { QStringLiteral("Property"), QStringLiteral("Owner") }));
        QVERIFY(db::ControlDatabase::open(env.url, false)->checkReady().ready);
    }
};

QTEST_GUILESS_MAIN(TestBackup)
#include "tst_backup.moc"
