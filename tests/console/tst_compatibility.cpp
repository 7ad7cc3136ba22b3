// The console/server compatibility rule of the About dialog (models/compatibility.h): another
// major version or an API other than v1 is incompatible; an unknown server version is not.
#include "models/compatibility.h"

#include <QTest>

using tf::console::Compatibility;

class TestCompatibility final : public QObject
{
    Q_OBJECT

private slots:
    void check_data()
    {
        QTest::addColumn<QString>("client");
        QTest::addColumn<QString>("server");
        QTest::addColumn<QString>("api");
        QTest::addColumn<bool>("compatible");
        QTest::newRow("same version") << "0.1.0" << "0.1.0" << "v1" << true;
        QTest::newRow("same major, other minor") << "1.4.0" << "1.9.3" << "v1" << true;
        QTest::newRow("api not asked yet") << "1.4.0" << "1.2.0" << "" << true;
        QTest::newRow("server version unknown") << "1.4.0" << "" << "v1" << true;
        QTest::newRow("server major ahead") << "1.4.0" << "2.0.0" << "v1" << false;
        QTest::newRow("server major behind") << "2.1.0" << "1.9.9" << "v1" << false;
        QTest::newRow("api v2") << "1.4.0" << "1.4.0" << "v2" << false;
        QTest::newRow("api not v1") << "1.4.0" << "1.4.0" << "not v1" << false;
        QTest::newRow("server version not a version") << "1.4.0" << "banana" << "v1" << false;
        QTest::newRow("0.x against 1.x") << "0.1.0" << "1.0.0" << "v1" << false;
    }

    void check()
    {
        QFETCH(QString, client);
        QFETCH(QString, server);
        QFETCH(QString, api);
        QFETCH(bool, compatible);
        const Compatibility result = Compatibility::check(client, server, api);
        QCOMPARE(result.compatible, compatible);
        QCOMPARE(result.reason.isEmpty(), compatible); // a warning always says why
    }

    void majorOf()
    {
        QCOMPARE(Compatibility::majorOf(QStringLiteral("1.4.0")), 1);
        QCOMPARE(Compatibility::majorOf(QStringLiteral("v12.0")), 12);
        QCOMPARE(Compatibility::majorOf(QStringLiteral("0.1.0-rc1")), 0);
        QCOMPARE(Compatibility::majorOf(QStringLiteral("x1")), -1);
        QCOMPARE(Compatibility::majorOf(QString()), -1);
    }
};

QTEST_MAIN(TestCompatibility)
#include "tst_compatibility.moc"
