// The one display setting every page uses: times in UTC or local time, ages in the status
// bar, and the light/dark palette, remembered in QSettings.
#include "settings/displaysettings.h"

#include <QApplication>
#include <QPalette>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyle>
#include <QTest>

using tf::console::DisplaySettings;

class TestDisplaySettings final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TerraFusionTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_displaysettings"));
        QSettings().clear();
    }

    void formatsInTheChosenZone()
    {
        DisplaySettings *display = DisplaySettings::instance();
        QSignalSpy changed(display, &DisplaySettings::changed);
        const QDateTime moment(QDate(2025, 1, 31), QTime(2, 0, 5), Qt::UTC);
        display->setTimeZone(DisplaySettings::TimeZone::Utc);
        QCOMPARE(display->formatDateTime(moment), QStringLiteral("2025-01-31 02:00:05 UTC"));
        display->setTimeZone(DisplaySettings::TimeZone::Local);
        QVERIFY(display->formatDateTime(moment).startsWith(moment.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
        QCOMPARE(changed.size(), 2);
        QCOMPARE(QSettings().value(QStringLiteral("display/time_zone")).toString(), QStringLiteral("local"));
        QCOMPARE(display->formatDateTime(QDateTime()), QStringLiteral("never"));
    }

    void formatsAges()
    {
        QCOMPARE(DisplaySettings::formatAge(0), QStringLiteral("0 s ago"));
        QCOMPARE(DisplaySettings::formatAge(59), QStringLiteral("59 s ago"));
        QCOMPARE(DisplaySettings::formatAge(125), QStringLiteral("2 min ago"));
        QCOMPARE(DisplaySettings::formatAge(7300), QStringLiteral("2 h ago"));
    }

    void switchesThePalette()
    {
        DisplaySettings *display = DisplaySettings::instance();
        display->setTheme(DisplaySettings::Theme::Dark);
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 100);
        QCOMPARE(QSettings().value(QStringLiteral("display/theme")).toString(), QStringLiteral("dark"));
        display->setTheme(DisplaySettings::Theme::Light);
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 150);
        QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
    }
};

QTEST_MAIN(TestDisplaySettings)
#include "tst_displaysettings.moc"
