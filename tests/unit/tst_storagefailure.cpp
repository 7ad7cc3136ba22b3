// A full disk or read-only database is one error kind (InsufficientStorage, HTTP 507) whatever
// the backend says, with a message that names what is full and where; a sync that hits it is
// transient (retried). The real thing, on a full tmpfs, is tst_diskfull.
#include "core/errors.h"
#include "db/databaseurl.h"
#include "db/storagefailure.h"
#include "common/errorresponse.h"
#include "syncd/workers/failureclass.h"

#include <QSqlError>
#include <QTemporaryDir>
#include <QTest>

using namespace tf;

class TestStorageFailure final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sqliteCodesAreStorageFailures_data()
    {
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("words");
        QTest::newRow("SQLITE_FULL") << "13" << "database or disk is full" << " is full";
        QTest::newRow("SQLITE_READONLY") << "8" << "attempt to write a readonly database" << "is read-only";
        QTest::newRow("SQLITE_READONLY_DBMOVED") << "1032" << "attempt to write a readonly database" << "is read-only";
        QTest::newRow("SQLITE_IOERR_WRITE") << "778" << "disk I/O error" << "I/O error";
        QTest::newRow("text only") << "" << "database or disk is full" << " is full";
    }
    void sqliteCodesAreStorageFailures()
    {
        QFETCH(QString, code);
        QFETCH(QString, text);
        QFETCH(QString, words);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("control.db"));
        const QSqlError error(QStringLiteral("Unable to fetch row"), text, QSqlError::ConnectionError, code);
        QVERIFY(db::isStorageFailure(error, text));
        const std::optional<Error> mapped
            = db::storageError(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + path), error, text,
                               QStringLiteral("inserting a system"));
        QVERIFY(mapped.has_value());
        QCOMPARE(mapped->kind(), Error::Kind::InsufficientStorage);
        QCOMPARE(mapped->code(), QStringLiteral("insufficient_storage"));
        QVERIFY2(mapped->message().contains(path), qPrintable(mapped->message()));
        QVERIFY2(mapped->message().contains(words), qPrintable(mapped->message()));
        QVERIFY2(mapped->message().contains(QStringLiteral("while inserting a system")), qPrintable(mapped->message()));
        QCOMPARE(mapped->details().value(QStringLiteral("path")).toString(), path);
        QVERIFY(mapped->details().value(QStringLiteral("bytes_available")).toInteger() > 0);
        QCOMPARE(http::statusFor(mapped->kind()), 507);
    }

    void postgresStatesAreStorageFailures_data()
    {
        QTest::addColumn<QString>("state");
        QTest::addColumn<QString>("words");
        QTest::newRow("disk_full") << "53100" << "has no room left";
        QTest::newRow("out_of_memory") << "53200" << "has no room left";
        QTest::newRow("read_only_sql_transaction") << "25006" << "is read-only";
    }
    void postgresStatesAreStorageFailures()
    {
        QFETCH(QString, state);
        QFETCH(QString, words);
        const QString text = QStringLiteral("could not extend file \"base/16384/16385\": No space left on device");
        const QSqlError error(QString(), text, QSqlError::StatementError, state);
        const std::optional<Error> mapped = db::storageError(
            db::DatabaseUrl::parse(QStringLiteral("postgresql://tf:s3cret@db.example.org:5433/control")), error, text,
            QStringLiteral("enqueueing"));
        QVERIFY(mapped.has_value());
        QCOMPARE(mapped->kind(), Error::Kind::InsufficientStorage);
        QVERIFY2(mapped->message().contains(words), qPrintable(mapped->message()));
        QVERIFY2(mapped->message().contains(QStringLiteral("db.example.org:5433")), qPrintable(mapped->message()));
        QVERIFY2(!mapped->message().contains(QStringLiteral("s3cret")), qPrintable(mapped->message()));
        QCOMPARE(mapped->details().value(QStringLiteral("server")).toString(), QStringLiteral("db.example.org:5433"));
        QCOMPARE(mapped->details().value(QStringLiteral("database")).toString(), QStringLiteral("control"));
    }

    void otherErrorsAreNot()
    {
        const QString text = QStringLiteral("UNIQUE constraint failed: systems.name");
        const QSqlError unique(QString(), text, QSqlError::ConnectionError, QStringLiteral("2067"));
        QVERIFY(!db::isStorageFailure(unique, text));
        QVERIFY(!db::storageError(db::DatabaseUrl::parse(QStringLiteral("sqlite:///tmp/x.db")), unique, text, {}));
        const QSqlError pgUnique(QString(), QStringLiteral("duplicate key"), QSqlError::StatementError, QStringLiteral("23505"));
        QVERIFY(!db::isStorageFailure(pgUnique, QStringLiteral("duplicate key")));
    }

    void syncFailuresOnAFullDiskAreTransient_data()
    {
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::addColumn<bool>("storage");
        QTest::addColumn<bool>("transient");
        QTest::newRow("our kind") << "insufficient_storage" << "the disk holding the database /srv/t.db is full" << true << true;
        QTest::newRow("connector words") << "internal_error" << "writing a batch: database or disk is full" << true << true;
        QTest::newRow("postgres words") << "internal_error" << "could not extend file: No space left on device" << true << true;
        QTest::newRow("bad mapping") << "validation_failed" << "unknown field 'x'" << false << false;
        QTest::newRow("lost connection") << "service_unavailable" << "server closed the connection" << false << true;
    }
    void syncFailuresOnAFullDiskAreTransient()
    {
        QFETCH(QString, code);
        QFETCH(QString, message);
        QFETCH(bool, storage);
        QFETCH(bool, transient);
        QCOMPARE(syncd::isStorageFailure(code, message), storage);
        QCOMPARE(syncd::classifyFailure(code, message) == syncd::FailureClass::Transient, transient);
    }
};

QTEST_GUILESS_MAIN(TestStorageFailure)
#include "tst_storagefailure.moc"
