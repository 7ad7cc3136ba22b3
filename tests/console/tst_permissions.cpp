// Role-aware controls against a real tf-gateway: after reading /api/auth/me, a viewer finds
// a control bound to sync.run (or users.write) disabled with a tooltip naming the roles
// that hold it; an admin finds it enabled with its own tooltip.
#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "gatewayfixture.h"

#include "auth/permissions.h"

#include <QAction>
#include <QApplication>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace tf;
using console::GatewayClient;
using console::Permissions;

class TestPermissions final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY2(m_gateway.start(), m_gateway.output().constData()); }

    void viewerFindsWritesDisabled()
    {
        const QByteArray token = m_gateway.userToken(QStringLiteral("vera"), QStringLiteral("viewer"));
        QVERIFY(!token.isEmpty());
        GatewayClient client { QUrl(m_gateway.base()) };
        client.setBearerToken(token);
        Permissions permissions;
        QAction run(QStringLiteral("Run"));
        run.setToolTip(QStringLiteral("Run the pair now"));
        QPushButton addUser(QStringLiteral("Add user"));
        QAction read(QStringLiteral("Refresh"));
        const QString runPermission = auth::permissionName(auth::Permission::SyncRun);
        permissions.bind(&run, runPermission);
        permissions.bind(&addUser, auth::permissionName(auth::Permission::UsersWrite));
        permissions.bind(&read, auth::permissionName(auth::Permission::StatusRead));
        QVERIFY(!run.isEnabled()); // nothing known before /api/auth/me answered

        QSignalSpy changed(&permissions, &Permissions::changed);
        permissions.load(&client);
        QVERIFY(changed.wait(10000));
        QCOMPARE(permissions.role(), QStringLiteral("viewer"));
        QVERIFY(!permissions.has(runPermission));
        QVERIFY(!run.isEnabled());
        QVERIFY(!addUser.isEnabled());
        QVERIFY(read.isEnabled());
        for (const QString &role : Permissions::rolesWith(runPermission))
            QVERIFY2(run.toolTip().contains(role), qPrintable(run.toolTip()));
        QVERIFY(run.toolTip().contains(QStringLiteral("viewer")));
        QVERIFY(addUser.toolTip().contains(QStringLiteral("admin")));
    }

    void adminFindsThemEnabled()
    {
        GatewayClient client { QUrl(m_gateway.base()) };
        client.setBearerToken(m_gateway.adminToken());
        Permissions permissions;
        QAction run(QStringLiteral("Run"));
        run.setToolTip(QStringLiteral("Run the pair now"));
        permissions.bind(&run, auth::permissionName(auth::Permission::SyncRun));
        QSignalSpy changed(&permissions, &Permissions::changed);
        permissions.load(&client);
        QVERIFY(changed.wait(10000));
        QCOMPARE(permissions.role(), QStringLiteral("admin"));
        QVERIFY(run.isEnabled());
        QCOMPARE(run.toolTip(), QStringLiteral("Run the pair now"));

        permissions.clear(); // signed out: nothing allowed
        QVERIFY(!run.isEnabled());
    }

private:
    test::GatewayFixture m_gateway;
};

QTEST_MAIN(TestPermissions)
#include "tst_permissions.moc"
