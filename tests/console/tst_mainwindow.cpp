// The console's main window against a real tf-gateway: signed in with a token, the status bar
// shows the connection, the user and role and the server version; a page added with addPage()
// is reached from its action; the sidebar groups the pages under "Operations" and
// "Administration" headers that Ctrl+<n>, the arrow keys and clicks skip, and every page has its
// own icon (with a white variant for the selection); the gateway going away shows the banner without leaving the page,
// and coming back clears it; a 401 reopens the sign-in dialog. Screenshots of the window in
// the light and dark palettes go to <build>/console-screenshots/.
#include "screenshots.h"
#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "dialogs/logindialog.h"
#include "gatewayfixture.h"
#include "mainwindow.h"
#include "models/session.h"
#include "settings/displaysettings.h"
#include "widgets/connectionstatus.h"
#include "widgets/errorbanner.h"
#include "widgets/tablestate.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QMenu>
#include <QRegularExpression>
#include <QTableView>
#include <QLabel>
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTest>

using namespace tf;
using console::ChangePoller;
using console::DisplaySettings;
using console::MainWindow;

class TestMainWindow final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings under a test directory
        QCoreApplication::setOrganizationName(QStringLiteral("TerraFusionTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
        QSettings().clear();
        DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
        QVERIFY2(m_gateway.start(), m_gateway.output().constData());
        m_token = m_gateway.adminToken();
        QVERIFY(!m_token.isEmpty());

        m_window = std::make_unique<MainWindow>(QUrl(m_gateway.base()));
        m_window->poller()->setInterval(200);
        m_window->poller()->setBackoff(100, 400);
        m_window->resize(1100, 640);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void signedInShowsConnectionUserAndVersion()
    {
        QSignalSpy signedIn(m_window->session(), &console::Session::signedIn);
        m_window->useToken(m_token);
        QVERIFY(signedIn.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->poller()->state(), ChangePoller::ConnectionState::Connected, 10000);
        auto *identity = m_window->findChild<QLabel *>(QStringLiteral("identity"));
        QVERIFY(identity);
        QVERIFY2(identity->text().contains(QStringLiteral("admin")), qPrintable(identity->text()));
        auto *version = m_window->findChild<QLabel *>(QStringLiteral("serverVersion"));
        QTRY_VERIFY_WITH_TIMEOUT(!version->text().isEmpty(), 10000);
        QVERIFY(m_window->connectionStatus()->stateText().contains(QStringLiteral("Connected")));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->connectionStatus()->updatedText().contains(QStringLiteral("ago")), 5000);
        QVERIFY(m_window->banner()->isHidden());
        QCOMPARE(m_window->currentPageId(), QStringLiteral("overview"));
        QTest::qWait(300); // let the status table fill before the picture
        grab(QStringLiteral("overview"));
    }

    void addedPageIsReachedByShortcut()
    {
        auto *page = new QLabel(QStringLiteral("Second page"));
        QAction *show = m_window->addPage(QStringLiteral("second"), QStringLiteral("Second"), QIcon(), page);
        // The console's own pages come first, the first nine with Ctrl+1..9. It has more than
        // nine now, so the new one, the last, is reached from its action (the Go menu) only.
        const QStringList pages = pageIds();
        QVERIFY(pages.size() > 9);
        QCOMPARE(pages.last(), QStringLiteral("second"));
        QCOMPARE(navigation()->item(navigation()->count() - 1)->data(Qt::UserRole).toString(), QStringLiteral("second"));
        QVERIFY(show->shortcut().isEmpty());
        show->trigger();
        QCOMPARE(m_window->currentPageId(), QStringLiteral("second"));
        QTest::keyClick(m_window.get(), Qt::Key_9, Qt::ControlModifier);
        QCOMPARE(m_window->currentPageId(), pages.at(8));
        QTest::keyClick(m_window.get(), Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(m_window->currentPageId(), QStringLiteral("overview"));
    }

    void outageShowsBannerAndKeepsThePage()
    {
        m_window->showPage(QStringLiteral("second"));
        m_gateway.kill();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->banner()->isVisible(), 10000);
        QVERIFY(m_window->poller()->state() != ChangePoller::ConnectionState::Connected);
        QCOMPARE(m_window->currentPageId(), QStringLiteral("second"));
        m_window->showPage(QStringLiteral("overview"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->banner()->text().isEmpty(), 1000);
        QTest::qWait(200);
        grab(QStringLiteral("unreachable"));
        m_window->showPage(QStringLiteral("second"));

        QVERIFY2(m_gateway.start(), m_gateway.output().constData());
        QTRY_COMPARE_WITH_TIMEOUT(m_window->poller()->state(), ChangePoller::ConnectionState::Connected, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->banner()->isHidden(), 5000);
        QCOMPARE(m_window->currentPageId(), QStringLiteral("second"));
        QVERIFY(m_window->session()->isSignedIn());
        m_window->showPage(QStringLiteral("overview"));
    }

    void unauthorizedReopensSignIn()
    {
        m_window->client()->setBearerToken("tfk_revoked-meanwhile");
        m_window->refresh();
        console::LoginDialog *dialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((dialog = m_window->findChild<console::LoginDialog *>()) && dialog->isVisible(), 10000);
        QVERIFY(!m_window->session()->isSignedIn());
        QVERIFY(m_window->client()->waitingForAuthentication() > 0);
        QTest::qWait(100);
        QVERIFY(test::saveScreenshots(dialog, QStringLiteral("signin")));

        // Signing in again resends what waited, and the window is connected again.
        QSignalSpy signedIn(m_window->session(), &console::Session::signedIn);
        m_window->useToken(m_token);
        QVERIFY(signedIn.wait(10000));
        QTRY_VERIFY_WITH_TIMEOUT(!dialog || !dialog->isVisible(), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->client()->waitingForAuthentication(), 0, 5000);
    }

    void refreshFollowsThePermissions()
    {
        QAction *refresh = nullptr;
        for (QAction *action : m_window->findChildren<QAction *>()) {
            if (action->shortcut() == QKeySequence(Qt::Key_F5))
                refresh = action;
        }
        QVERIFY(refresh);
        QVERIFY(refresh->isEnabled()); // the admin holds status:read
        m_window->session()->signOut();
        QVERIFY(!refresh->isEnabled());
        QVERIFY2(refresh->toolTip().contains(QStringLiteral("viewer")), qPrintable(refresh->toolTip()));
        QVERIFY(m_window->banner()->isHidden()); // signing out is not an outage
        // Signing out revoked that session's token at the gateway: sign in with a new one.
        m_token = m_gateway.adminToken();
        QVERIFY(!m_token.isEmpty());
        QSignalSpy signedIn(m_window->session(), &console::Session::signedIn);
        m_window->useToken(m_token);
        QVERIFY(signedIn.wait(10000));
        QVERIFY(refresh->isEnabled());
    }

    void shortcutsAreUnambiguous()
    {
        const QStringList clashes = ambiguousShortcuts(m_window.get());
        QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));
        // The check finds a clash: F5 on a page as well as the window's F5.
        auto *page = m_window->findChild<QWidget *>(QStringLiteral("operationsPage"));
        QVERIFY(page);
        auto *clash = new QAction(QStringLiteral("Second Refresh"), page);
        clash->setShortcut(QKeySequence(Qt::Key_F5));
        clash->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        page->addAction(clash);
        QCOMPARE(ambiguousShortcuts(m_window.get()).size(), 1);
        delete clash;
        QVERIFY(ambiguousShortcuts(m_window.get()).isEmpty());
    }

    // docs/console.md's "Keyboard shortcuts" table names every key of every page and of the window.
    void shortcutsAreDocumented()
    {
        QFile file(qEnvironmentVariable("TF_SOURCE_DIR") + QStringLiteral("/docs/console.md"));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        const QString doc = QString::fromUtf8(file.readAll());
        const qsizetype start = doc.indexOf(QStringLiteral("### Keyboard shortcuts"));
        QVERIFY(start >= 0);
        const QString section = doc.mid(start, doc.indexOf(QStringLiteral("\n## "), start) - start);
        int keys = 0;
        for (QAction *action : m_window->findChildren<QAction *>()) {
            for (const QKeySequence &key : action->shortcuts()) {
                const QString text = key.toString(QKeySequence::PortableText);
                // "Ctrl+R" is not found in "Ctrl+Return", nor "Del" in "Ctrl+Del".
                const QRegularExpression named(QStringLiteral("(?<![\\w+])%1(?!\\w)").arg(QRegularExpression::escape(text)));
                QVERIFY2(section.contains(named), qPrintable(text + QStringLiteral(" (") + action->text() + QStringLiteral(") is not in docs/console.md")));
                ++keys;
            }
        }
        QVERIFY(keys > 40);
    }

    void navigationHasOwnCrispIcons()
    {
        // The neutral icon addPage() gives a page without one: no console page may show it.
        const QImage neutral = QIcon(QStringLiteral(":/icons/page.svg")).pixmap(QSize(20, 20), 2.0).toImage();
        QVERIFY(!neutral.isNull());
        QHash<QString, QImage> icons;
        for (int row = 0; row < navigation()->count(); ++row) {
            const QListWidgetItem *item = navigation()->item(row);
            const QString id = item->data(Qt::UserRole).toString();
            if (isHeader(item)) {
                QVERIFY2(item->icon().isNull(), qPrintable(item->text()));
                continue;
            }
            if (id == QLatin1String("second"))
                continue;
            // Drawn from the SVG at twice the size for a 2x screen, not scaled up.
            const QPixmap pixmap = item->icon().pixmap(QSize(20, 20), 2.0);
            QVERIFY2(!pixmap.isNull(), qPrintable(id));
            QCOMPARE(pixmap.size(), QSize(40, 40));
            QVERIFY2(pixmap.toImage() != neutral, qPrintable(id + QStringLiteral(" has the neutral icon")));
            icons.insert(id, pixmap.toImage());
            // On the selection's highlight the entry draws its white variant.
            const QImage selected = item->icon().pixmap(QSize(20, 20), 2.0, QIcon::Selected).toImage();
            int opaque = 0;
            for (int y = 0; y < selected.height(); ++y) {
                for (int x = 0; x < selected.width(); ++x) {
                    const QColor color = selected.pixelColor(x, y);
                    if (color.alpha() < 200)
                        continue;
                    ++opaque;
                    QVERIFY2(color.red() > 240 && color.green() > 240 && color.blue() > 240,
                             qPrintable(id + QStringLiteral(": selected icon not white at %1,%2").arg(x).arg(y)));
                }
            }
            QVERIFY2(opaque > 50, qPrintable(id));
        }
        QCOMPARE(icons.size(), 13);
        const QStringList ids = icons.keys();
        for (int i = 0; i < ids.size(); ++i) {
            for (int j = i + 1; j < ids.size(); ++j)
                QVERIFY2(icons.value(ids.at(i)) != icons.value(ids.at(j)), qPrintable(ids.at(i) + QStringLiteral(" = ") + ids.at(j)));
        }
        for (const char *name : { "overview", "dashboard", "syncpairs", "systems", "operations", "quarantine", "alerts", "audit", "users",
                                  "backups", "services", "maintenance", "recovery", "refresh", "signin", "signout", "page" })
            QVERIFY2(QFile::exists(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name))), name);
    }

    void navigationGroupsPagesUnderHeaders()
    {
        QListWidget *list = navigation();
        QStringList headers;
        QHash<QString, QStringList> sections;
        QString section;
        for (int row = 0; row < list->count(); ++row) {
            const QListWidgetItem *item = list->item(row);
            if (isHeader(item)) {
                section = item->text();
                headers << section;
                QVERIFY(!(item->flags() & Qt::ItemIsEnabled));
                QVERIFY(item->data(Qt::UserRole).toString().isEmpty()); // no page id
                QVERIFY(item->font().bold());
                QCOMPARE(item->font().capitalization(), QFont::SmallCaps);
            } else {
                QVERIFY2(!section.isEmpty(), qPrintable(item->text())); // every page is under a header
                sections[section] << item->data(Qt::UserRole).toString();
            }
        }
        QCOMPARE(headers, (QStringList { QStringLiteral("Operations"), QStringLiteral("Administration") }));
        // The headers' quiet colour follows the theme.
        for (const DisplaySettings::Theme theme : { DisplaySettings::Theme::Dark, DisplaySettings::Theme::Light }) {
            DisplaySettings::instance()->setTheme(theme);
            QApplication::processEvents();
            QCOMPARE(list->item(0)->foreground().color(), list->palette().color(QPalette::Active, QPalette::PlaceholderText));
        }
        QCOMPARE(list->item(0)->text(), QStringLiteral("Operations"));
        QCOMPARE(sections.value(QStringLiteral("Operations")),
                 (QStringList { QStringLiteral("overview"), QStringLiteral("dashboard"), QStringLiteral("syncPairs"),
                                QStringLiteral("systems"), QStringLiteral("operations"), QStringLiteral("quarantine"), QStringLiteral("alerts") }));
        QCOMPARE(sections.value(QStringLiteral("Administration")),
                 (QStringList { QStringLiteral("audit"), QStringLiteral("users"), QStringLiteral("backups"), QStringLiteral("services"),
                                QStringLiteral("maintenance"), QStringLiteral("recoveryPlans"), QStringLiteral("second") }));

        // Ctrl+1..9 open the first nine pages; the headers have no number. (The sign-in dialog
        // was the active window last: window shortcuts need the window active.)
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        const QStringList pages = pageIds();
        for (int n = 1; n <= 9; ++n) {
            QTest::keyClick(m_window.get(), Qt::Key(Qt::Key_0 + n), Qt::ControlModifier);
            QCOMPARE(m_window->currentPageId(), pages.at(n - 1));
            QCOMPARE(list->currentItem()->data(Qt::UserRole).toString(), pages.at(n - 1));
            QVERIFY(list->currentItem()->isSelected());
        }
        QCOMPARE(m_window->currentPageId(), QStringLiteral("users"));

        // The arrow keys, Home and End skip the headers.
        m_window->showPage(QStringLiteral("alerts"));
        QTest::keyClick(list, Qt::Key_Down);
        QCOMPARE(m_window->currentPageId(), QStringLiteral("audit"));
        QTest::keyClick(list, Qt::Key_Up);
        QCOMPARE(m_window->currentPageId(), QStringLiteral("alerts"));
        m_window->showPage(QStringLiteral("overview"));
        QTest::keyClick(list, Qt::Key_Up);
        QCOMPARE(m_window->currentPageId(), QStringLiteral("overview"));
        QVERIFY(isHeader(list->item(0)) && !list->item(0)->isSelected());
        QTest::keyClick(list, Qt::Key_End);
        QCOMPARE(m_window->currentPageId(), pages.last());
        QTest::keyClick(list, Qt::Key_Home);
        QCOMPARE(m_window->currentPageId(), QStringLiteral("overview"));
        QTest::keyClick(list, Qt::Key_PageDown);
        QTest::keyClick(list, Qt::Key_PageUp);
        QCOMPARE(m_window->currentPageId(), QStringLiteral("overview"));
        for (int i = 0; i < pages.size() - 1; ++i)
            QTest::keyClick(list, Qt::Key_Down);
        QCOMPARE(m_window->currentPageId(), pages.last()); // one key press per page, none per header

        // A click on a header leaves the page as it is.
        m_window->showPage(QStringLiteral("services"));
        for (int row = 0; row < list->count(); ++row) {
            if (isHeader(list->item(row)))
                QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(list->item(row)).center());
        }
        QCOMPARE(m_window->currentPageId(), QStringLiteral("services"));

        // Badges and showPage() find their page's entry, not the row of the same number.
        m_window->setPageBadge(QStringLiteral("backups"), QStringLiteral("3"));
        QCOMPARE(navigationItem(QStringLiteral("backups"))->text(), QStringLiteral("Backups  (3)"));
        for (int row = 0; row < list->count(); ++row) {
            if (list->item(row)->data(Qt::UserRole).toString() != QLatin1String("backups"))
                QVERIFY2(!list->item(row)->text().contains(QStringLiteral("(3)")), qPrintable(list->item(row)->text()));
        }
        grab(QStringLiteral("navigation-admin"));
        m_window->setPageBadge(QStringLiteral("backups"), QString());
        QCOMPARE(navigationItem(QStringLiteral("backups"))->text(), QStringLiteral("Backups"));
        m_window->showPage(QStringLiteral("recoveryPlans"));
        QCOMPARE(list->currentItem(), navigationItem(QStringLiteral("recoveryPlans")));
        QCOMPARE(m_window->findChild<QStackedWidget *>(QStringLiteral("pages"))->currentWidget()->objectName(),
                 QStringLiteral("recoveryPlansPage"));
        m_window->showPage(QStringLiteral("overview"));
    }

    void tableStateSurvivesANewWindow()
    {
        QHeaderView *header = nullptr;
        int movedFrom = -1;
        {
            MainWindow first { QUrl(m_gateway.base()) };
            auto *table = first.findChild<QTableView *>(QStringLiteral("operationsTable"));
            QVERIFY(table);
            QVERIFY(table->findChild<console::TableStateSaver *>());
            header = table->horizontalHeader();
            QVERIFY(header->count() >= 3);
            header->resizeSection(1, 217);
            movedFrom = header->visualIndex(0);
            header->moveSection(movedFrom, 2);
            header->setSortIndicator(1, Qt::DescendingOrder);
        }
        MainWindow second { QUrl(m_gateway.base()) };
        auto *table = second.findChild<QTableView *>(QStringLiteral("operationsTable"));
        header = table->horizontalHeader();
        QCOMPARE(header->sectionSize(1), 217);
        QCOMPARE(header->visualIndex(0), 2);
        QCOMPARE(header->sortIndicatorSection(), 1);
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
        // Every named table of every page is remembered.
        for (QTableView *view : second.findChildren<QTableView *>()) {
            if (!view->objectName().isEmpty())
                QVERIFY2(view->findChild<console::TableStateSaver *>(), qPrintable(view->objectName()));
        }
    }

    void settingsAreRemembered()
    {
        m_window->showPage(QStringLiteral("second"));
        m_window->resize(900, 600);
        m_window->close(); // saves geometry, state and the page
        MainWindow again { QUrl(m_gateway.base()) };
        again.addPage(QStringLiteral("second"), QStringLiteral("Second"), QIcon(), new QLabel);
        QCOMPARE(again.size(), QSize(900, 600));
        QSettings settings;
        QCOMPARE(settings.value(QStringLiteral("connection/last_gateway")).toString(), m_gateway.base());
        QCOMPARE(settings.value(QStringLiteral("connection/last_user")).toString(), QStringLiteral("admin"));
        QCOMPARE(settings.value(QStringLiteral("window/page")).toString(), QStringLiteral("second"));
        for (const QString &key : settings.allKeys()) {
            QVERIFY2(!settings.value(key).toString().toUtf8().contains(m_token), qPrintable(key));
            if (key.startsWith(QStringLiteral("tables/")) && key.endsWith(QStringLiteral("/header")))
                continue; // a table's column layout, named for its table ("tokensTable")
            QVERIFY2(!key.contains(QStringLiteral("token")) && !key.contains(QStringLiteral("password")), qPrintable(key));
        }
        // A page below the Administration header comes back as itself, not as the row of its number.
        settings.setValue(QStringLiteral("window/page"), QStringLiteral("maintenance"));
        MainWindow third { QUrl(m_gateway.base()) };
        QCOMPARE(third.currentPageId(), QStringLiteral("maintenance"));
        auto *list = third.findChild<QListWidget *>(QStringLiteral("navigation"));
        QCOMPARE(list->currentItem()->data(Qt::UserRole).toString(), QStringLiteral("maintenance"));
        QCOMPARE(third.findChild<QStackedWidget *>(QStringLiteral("pages"))->currentWidget()->objectName(),
                 QStringLiteral("maintenancePage"));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
    }

private:
    // "key: A / B" for every two actions of the window that one key press could mean both of:
    // the same key, and contexts that overlap (the window, or a widget and one of its
    // descendants). Disabled actions count too: they are enabled when the user may.
    static QStringList ambiguousShortcuts(QWidget *window)
    {
        struct Scope
        {
            QAction *action;
            QWidget *widget; // the window for window shortcuts
            bool children;
        };
        QList<Scope> scopes;
        for (QAction *action : window->findChildren<QAction *>()) {
            if (action->shortcuts().isEmpty())
                continue;
            for (QObject *object : action->associatedObjects()) {
                auto *widget = qobject_cast<QWidget *>(object);
                // A menu's shortcuts work in the window of the menu bar it hangs from.
                while (qobject_cast<QMenu *>(widget))
                    widget = widget->parentWidget();
                if (!widget)
                    continue;
                const Qt::ShortcutContext context = action->shortcutContext();
                if (context == Qt::WindowShortcut || context == Qt::ApplicationShortcut)
                    scopes.append({ action, widget->window(), true });
                else
                    scopes.append({ action, widget, context == Qt::WidgetWithChildrenShortcut });
            }
        }
        const auto covers = [](const Scope &outer, const QWidget *inner) {
            return outer.widget == inner || (outer.children && outer.widget->isAncestorOf(inner));
        };
        QStringList clashes;
        for (int i = 0; i < scopes.size(); ++i) {
            for (int j = i + 1; j < scopes.size(); ++j) {
                const Scope &a = scopes.at(i);
                const Scope &b = scopes.at(j);
                if (a.action == b.action || !(covers(a, b.widget) || covers(b, a.widget)))
                    continue;
                for (const QKeySequence &key : a.action->shortcuts()) {
                    if (b.action->shortcuts().contains(key)) {
                        const QString clash = QStringLiteral("%1: %2 / %3")
                                                      .arg(key.toString(), a.action->text(), b.action->text());
                        if (!clashes.contains(clash))
                            clashes << clash;
                    }
                }
            }
        }
        return clashes;
    }

    // Run with QT_SCALE_FACTOR=2, the pictures are named <name>@2x.
    void grab(const QString &name)
    {
        const QString scale = m_window->devicePixelRatioF() > 1.0 ? QStringLiteral("@2x") : QString();
        QVERIFY(test::saveScreenshots(m_window.get(), name + scale));
    }

    QListWidget *navigation() const { return m_window->findChild<QListWidget *>(QStringLiteral("navigation")); }
    static bool isHeader(const QListWidgetItem *item) { return !(item->flags() & Qt::ItemIsSelectable); }
    // The navigation's page ids in order, without the section headers.
    QStringList pageIds() const
    {
        QStringList ids;
        for (int row = 0; row < navigation()->count(); ++row) {
            if (!isHeader(navigation()->item(row)))
                ids << navigation()->item(row)->data(Qt::UserRole).toString();
        }
        return ids;
    }
    QListWidgetItem *navigationItem(const QString &id) const
    {
        for (int row = 0; row < navigation()->count(); ++row) {
            if (!isHeader(navigation()->item(row)) && navigation()->item(row)->data(Qt::UserRole).toString() == id)
                return navigation()->item(row);
        }
        return nullptr;
    }

    test::GatewayFixture m_gateway;
    QByteArray m_token;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
