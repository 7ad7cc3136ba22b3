#pragma once

// What the Operations page's tests share: a real tf-gateway supervising a real tf-syncd over
// SQLite systems (source.db with 400 parcels, two of which break the pair's rule), the parcels
// pair, and an OperationsPage signed in as the admin and shown at 1200x760.
#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "integration/tst_gatewayproxy_fixture.h"
#include "models/operationsmodel.h"
#include "pages/operationspage.h"
#include "settings/displaysettings.h"

#include <QCoreApplication>
#include <QDir>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

namespace tf::test {

class OperationsPageFixture : public GatewayProxyFixture
{
protected:
    // Call from initTestCase(); false (with a warning) when something failed.
    bool setUpPage(const QString &applicationName)
    {
        if (!m_dir.isValid())
            return false;
        QStandardPaths::setTestModeEnabled(true); // QSettings under a test directory
        QCoreApplication::setOrganizationName(QStringLiteral("TerraFusionTest"));
        QCoreApplication::setApplicationName(applicationName);
        QSettings().clear();
        console::DisplaySettings::instance()->setTheme(console::DisplaySettings::Theme::Light);
        makeSourceAndTarget(400, { 5, 9 });
        QProcessEnvironment env = ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
        if (!startGateway(env))
            return false;
        const qint64 source
            = createSqliteSystem(QStringLiteral("parcels source"), QStringLiteral("source.db"));
        const qint64 target
            = createSqliteSystem(QStringLiteral("parcels target"), QStringLiteral("target.db"));
        m_pair = source > 0 && target > 0
            ? create(QStringLiteral("/api/sync-pairs"),
                     pairBody(QStringLiteral("parcels"), source, target, QStringLiteral("parcel")))
            : 0;
        if (m_pair <= 0 || !m_authorization.startsWith("Bearer ")) {
            qWarning("the parcels pair could not be created");
            return false;
        }
        m_shots = QDir(QCoreApplication::applicationDirPath()
                       + QStringLiteral("/../console-screenshots"))
                      .absolutePath();
        QDir().mkpath(m_shots);

        m_client = std::make_unique<console::GatewayClient>(QUrl(base()));
        m_client->setBearerToken(m_authorization.mid(7));
        m_poller = std::make_unique<console::ChangePoller>(m_client.get());
        m_poller->setInterval(200);
        m_permissions = std::make_unique<console::Permissions>();
        m_adminMe = api("GET", QStringLiteral("/api/auth/me")).json();
        m_permissions->setFromMe(m_adminMe);
        m_page = std::make_unique<console::OperationsPage>(m_client.get(), m_poller.get(),
                                                           m_permissions.get());
        m_page->resize(1200, 760);
        m_page->show();
        if (!QTest::qWaitForWindowExposed(m_page.get()))
            return false;
        m_poller->start();
        return m_permissions->has(QStringLiteral("sync:run"));
    }

    // Call from cleanupTestCase().
    void tearDownPage()
    {
        if (m_poller)
            m_poller->stop();
        m_page.reset();
        m_gateway.reset();
    }

    QString statusOf(qint64 id) const
    {
        const int row = m_page->model()->rowOf(id);
        return row < 0 ? QString()
                       : m_page->model()->itemAt(row).value(QStringLiteral("status")).toString();
    }
    static bool isFinished(const QString &status)
    {
        return status == QLatin1String("completed")
            || status == QLatin1String("completed_with_errors") || status == QLatin1String("failed")
            || status == QLatin1String("cancelled");
    }

    std::unique_ptr<console::GatewayClient> m_client;
    std::unique_ptr<console::ChangePoller> m_poller;
    std::unique_ptr<console::Permissions> m_permissions;
    std::unique_ptr<console::OperationsPage> m_page;
    QJsonObject m_adminMe;
    QString m_shots;
};

} // namespace tf::test
