#pragma once

// What the admin pages' tests (Backups, Maintenance, Recovery plans, Services) share: a real
// tf-gateway supervising a real tf-syncd, the console signed in as the admin, and the page under
// test built with that client and those permissions.
#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "integration/tst_gatewayproxy_fixture.h"

#include <QCoreApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <memory>

namespace tf::test {

template<typename Page>
class AdminPageFixture : public GatewayProxyFixture
{
protected:
    // Call from initTestCase(): settings under a test directory named for `applicationName`, the
    // gateway (no rate limits) and tf-syncd started, the admin signed in and holding
    // `permission`, and the page built (not yet shown). False, with a warning, when a step failed.
    bool setUpAdminPage(const QString &applicationName, const QString &permission)
    {
        if (!m_dir.isValid()) {
            qWarning("no temporary directory");
            return false;
        }
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TerraFusionTest"));
        QCoreApplication::setApplicationName(applicationName);
        QSettings().clear();
        QProcessEnvironment env = ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
        if (!startGateway(env)) {
            qWarning("the gateway did not start");
            return false;
        }
        if (!m_authorization.startsWith("Bearer ")) {
            qWarning("the admin was not signed in");
            return false;
        }
        m_client = std::make_unique<console::GatewayClient>(QUrl(base()));
        m_client->setBearerToken(m_authorization.mid(7));
        m_permissions = std::make_unique<console::Permissions>();
        m_adminMe = api("GET", QStringLiteral("/api/auth/me")).json();
        m_permissions->setFromMe(m_adminMe);
        if (!m_permissions->has(permission)) {
            qWarning("the admin lacks %s", qPrintable(permission));
            return false;
        }
        m_page = std::make_unique<Page>(m_client.get(), m_permissions.get());
        return true;
    }

    // Resizes and shows the page; false when it was not exposed.
    bool showPage(int width, int height)
    {
        m_page->resize(width, height);
        m_page->show();
        return QTest::qWaitForWindowExposed(m_page.get());
    }

    // Refreshes the page and waits up to 10 s for its refreshed(ok) signal; false when none came.
    // `ok`, when given, receives the signal's argument.
    bool refreshPage(bool *ok = nullptr)
    {
        QSignalSpy refreshed(m_page.get(), &Page::refreshed);
        m_page->refresh();
        if (!refreshed.wait(10000))
            return false;
        if (ok)
            *ok = refreshed.first().first().toBool();
        return true;
    }

    // Call from cleanupTestCase(), after resetting anything that watches the page's models.
    void tearDownAdminPage()
    {
        m_page.reset();
        m_gateway.reset();
    }

    std::unique_ptr<console::GatewayClient> m_client;
    std::unique_ptr<console::Permissions> m_permissions;
    std::unique_ptr<Page> m_page;
    QJsonObject m_adminMe;
};

} // namespace tf::test
