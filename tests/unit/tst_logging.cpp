// Log files: one per program and day, secrets redacted, files past retention removed.
#include "core/logging.h"

#include <QDate>
#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTest>

Q_LOGGING_CATEGORY(lcTestComponent, "test.component")

class TestLogging final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writesRedactedLinesToDailyFile()
    {
        QTemporaryDir dir;
        tf::logging::Options options;
        options.program = QStringLiteral("tf-test");
        options.logDir = dir.path();
        options.toStderr = false;
        tf::logging::install(options);
        qCWarning(lcTestComponent) << "connecting to" << "postgresql://tf:s3cr3t-pw@db:5432/tf";
        qCInfo(lcTestComponent).noquote() << "Authorization: Bearer abc.def.ghi and password=hunter2";
        tf::logging::shutdown();

        const QString name = QStringLiteral("tf-test-%1.log").arg(QDate::currentDate().toString(Qt::ISODate));
        QFile file(dir.filePath(name));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(name));
        const QByteArray text = file.readAll();
        QVERIFY(text.contains("WARN  test.component: connecting to"));
        QVERIFY(text.contains("postgresql://tf:***@db:5432/tf"));
        QVERIFY(!text.contains("s3cr3t-pw"));
        QVERIFY(!text.contains("abc.def.ghi"));
        QVERIFY(!text.contains("hunter2"));
        QCOMPARE(text.count('\n'), 2);
        QCOMPARE(QFile(dir.filePath(name)).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup), QFileDevice::Permissions());
    }

    void purgesFilesPastRetention()
    {
        QTemporaryDir dir;
        const QDate today = QDate::currentDate();
        const QStringList names {
            QStringLiteral("tf-test-%1.log").arg(today.toString(Qt::ISODate)),
            QStringLiteral("tf-test-%1.log").arg(today.addDays(-6).toString(Qt::ISODate)),
            QStringLiteral("tf-test-%1.log").arg(today.addDays(-8).toString(Qt::ISODate)),
            QStringLiteral("tf-test-%1.log").arg(today.addDays(-30).toString(Qt::ISODate)),
            QStringLiteral("tf-other-%1.log").arg(today.addDays(-30).toString(Qt::ISODate)),
            QStringLiteral("notes.txt"),
        };
        for (const QString &name : names) {
            QFile file(dir.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
        }
        QCOMPARE(tf::logging::purgeOldLogs(dir.path(), QStringLiteral("tf-test"), 7), 2);
        const QStringList left = QDir(dir.path()).entryList(QDir::Files, QDir::Name);
        QCOMPARE(left.size(), 4);
        QVERIFY(left.contains(names.at(0)));
        QVERIFY(left.contains(names.at(1)));
        QVERIFY(left.contains(names.at(4))); // another program's files are not ours to remove
        QVERIFY(left.contains(names.at(5)));
    }
};

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"
