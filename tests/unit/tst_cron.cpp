#include "core/errors.h"
#include "sync/schedule/cronschedule.h"

#include <QTimeZone>
#include <QtTest>

using tf::sync::CronSchedule;

namespace {

QDateTime utc(const QString &text)
{
    QDateTime dt = QDateTime::fromString(text, Qt::ISODate);
    dt.setTimeSpec(Qt::UTC);
    return dt;
}

} // namespace

class TestCron final : public QObject
{
    Q_OBJECT

private slots:
    void next_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("after");
        QTest::addColumn<QString>("expected");

        // The seed's schedules: weekly full sync, nightly incremental on the other days.
        QTest::newRow("full sunday") << "0 2 * * SUN" << "2024-03-06T12:00:00" << "2024-03-10T02:00:00";
        QTest::newRow("full sunday, at the minute") << "0 2 * * SUN" << "2024-03-10T02:00:00" << "2024-03-17T02:00:00";
        QTest::newRow("incremental same day") << "0 2 * * MON-SAT" << "2024-03-08T01:59:59" << "2024-03-08T02:00:00";
        QTest::newRow("incremental skips sunday") << "0 2 * * MON-SAT" << "2024-03-09T02:00:00" << "2024-03-11T02:00:00";
        // The runbook's maintenance windows.
        QTest::newRow("weekly maintenance") << "0 1 * * SUN" << "2024-03-05T00:00:00" << "2024-03-10T01:00:00";
        QTest::newRow("weekly over new year") << "0 1 * * SUN" << "2024-12-29T01:00:00" << "2025-01-05T01:00:00";
        QTest::newRow("monthly") << "0 2 1 * *" << "2024-01-31T03:00:00" << "2024-02-01T02:00:00";
        QTest::newRow("monthly over new year") << "0 2 1 * *" << "2024-12-01T02:00:00" << "2025-01-01T02:00:00";
        QTest::newRow("quarterly") << "0 3 15 JAN,APR,JUL,OCT *" << "2024-01-15T03:00:00" << "2024-04-15T03:00:00";
        QTest::newRow("quarterly over new year") << "0 3 15 JAN,APR,JUL,OCT *" << "2024-10-15T03:00:01" << "2025-01-15T03:00:00";
        QTest::newRow("quarterly before") << "0 3 15 JAN,APR,JUL,OCT *" << "2024-07-15T02:59:00" << "2024-07-15T03:00:00";
        // Leap days: 2100 is not a leap year.
        QTest::newRow("leap day") << "0 0 29 2 *" << "2024-02-29T00:00:00" << "2028-02-29T00:00:00";
        QTest::newRow("leap day from march") << "0 0 29 2 *" << "2023-03-01T00:00:00" << "2024-02-29T00:00:00";
        QTest::newRow("leap day skips 2100") << "0 0 29 2 *" << "2096-03-01T00:00:00" << "2104-02-29T00:00:00";
        QTest::newRow("31st skips short months") << "0 0 31 * *" << "2024-01-31T00:00:00" << "2024-03-31T00:00:00";
        // Steps, lists, ranges, rollovers.
        QTest::newRow("every 15 minutes") << "*/15 * * * *" << "2024-05-01T10:07:00" << "2024-05-01T10:15:00";
        QTest::newRow("seconds are dropped") << "*/15 * * * *" << "2024-05-01T10:14:59" << "2024-05-01T10:15:00";
        QTest::newRow("minute rollover to year") << "*/15 * * * *" << "2024-12-31T23:50:00" << "2025-01-01T00:00:00";
        QTest::newRow("every minute") << "* * * * *" << "2024-02-28T23:59:00" << "2024-02-29T00:00:00";
        QTest::newRow("stepped range") << "30 9 1-10/2 * *" << "2024-05-02T00:00:00" << "2024-05-03T09:30:00";
        QTest::newRow("stepped range ends") << "30 9 1-10/2 * *" << "2024-05-09T09:30:00" << "2024-06-01T09:30:00";
        QTest::newRow("start with step") << "5/20 * * * *" << "2024-05-01T10:26:00" << "2024-05-01T10:45:00";
        QTest::newRow("hour list") << "0 6,18 * * *" << "2024-05-01T06:00:00" << "2024-05-01T18:00:00";
        QTest::newRow("month range") << "0 12 1 MAR-MAY *" << "2024-05-01T12:00:00" << "2025-03-01T12:00:00";
        QTest::newRow("sunday as 7") << "0 0 * * 7" << "2024-03-06T00:00:00" << "2024-03-10T00:00:00";
        QTest::newRow("sunday as 0") << "0 0 * * 0" << "2024-03-06T00:00:00" << "2024-03-10T00:00:00";
        QTest::newRow("lower-case names") << "5 4 * * sun" << "2024-03-06T00:00:00" << "2024-03-10T04:05:00";
        QTest::newRow("day name range") << "0 8 * * FRI-SAT" << "2024-03-09T08:00:00" << "2024-03-15T08:00:00";
        // Both day fields restricted: either matches (Vixie cron).
        QTest::newRow("dom or dow: friday first") << "0 0 13 * FRI" << "2024-10-01T00:00:00" << "2024-10-04T00:00:00";
        QTest::newRow("dom or dow: the 13th") << "0 0 13 * FRI" << "2024-10-12T00:00:00" << "2024-10-13T00:00:00";
        // A '*'-started day-of-month does not restrict: only Mondays.
        QTest::newRow("star step dom is unrestricted") << "0 0 */2 * MON" << "2024-03-05T00:00:00" << "2024-03-11T00:00:00";
    }

    void next()
    {
        QFETCH(QString, expression);
        QFETCH(QString, after);
        QFETCH(QString, expected);
        const CronSchedule schedule = CronSchedule::parse(expression);
        const QDateTime result = schedule.next(utc(after));
        QCOMPARE(result, utc(expected));
        QCOMPARE(result.timeSpec(), Qt::UTC);
    }

    void localTimeStaysLocal()
    {
        const CronSchedule schedule = CronSchedule::parse(QStringLiteral("0 2 * * MON-SAT"));
        const QDateTime after(QDate(2024, 6, 7), QTime(12, 0), Qt::LocalTime);
        const QDateTime result = schedule.next(after);
        QCOMPARE(result.timeSpec(), Qt::LocalTime);
        QCOMPARE(result.date(), QDate(2024, 6, 8));
        QCOMPARE(result.time(), QTime(2, 0));
    }

    void zoneSkipsDaylightSavingGap()
    {
        const QTimeZone berlin(QByteArrayLiteral("Europe/Berlin"));
        if (!berlin.isValid())
            QSKIP("no time zone database");
        const CronSchedule schedule = CronSchedule::parse(QStringLiteral("30 2 * * *"));
        // 2024-03-31 02:00-03:00 does not exist in Berlin.
        const QDateTime result = schedule.next(QDateTime(QDate(2024, 3, 30), QTime(3, 0), berlin));
        QCOMPARE(result, QDateTime(QDate(2024, 4, 1), QTime(2, 30), berlin));
        QCOMPARE(result.timeZone(), berlin);
        // Every later minute of a day is strictly after the last.
        QDateTime t(QDate(2024, 10, 26), QTime(23, 0), berlin);
        const CronSchedule hourly = CronSchedule::parse(QStringLiteral("0 * * * *"));
        for (int i = 0; i < 6; ++i) {
            const QDateTime n = hourly.next(t);
            QVERIFY2(n > t, qPrintable(n.toString(Qt::ISODate)));
            t = n;
        }
    }

    void expressionIsNormalised()
    {
        QCOMPARE(CronSchedule::parse(QStringLiteral("  0  2 *\t* MON-SAT ")).expression(), QStringLiteral("0 2 * * MON-SAT"));
    }

    void invalid_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("message");
        const QString count = QStringLiteral("expected 5 fields (minute hour day-of-month month day-of-week), got %1");
        QTest::newRow("empty") << "" << count.arg(0);
        QTest::newRow("four fields") << "0 2 * *" << count.arg(4);
        QTest::newRow("six fields") << "0 0 2 * * *" << count.arg(6);
        QTest::newRow("minute 60") << "60 * * * *" << "minute: 60 is out of range 0-59";
        QTest::newRow("minute word") << "a * * * *" << "minute: 'a' is not a number";
        QTest::newRow("hour 24") << "0 24 * * *" << "hour: 24 is out of range 0-23";
        QTest::newRow("day 0") << "0 0 0 * *" << "day-of-month: 0 is out of range 1-31";
        QTest::newRow("day 32") << "0 0 32 * *" << "day-of-month: 32 is out of range 1-31";
        QTest::newRow("month 13") << "0 0 1 13 *" << "month: 13 is out of range 1-12";
        QTest::newRow("month name") << "0 0 1 JANX *" << "month: 'JANX' is not a month name";
        QTest::newRow("day name") << "0 2 * * MOX" << "day-of-week: 'MOX' is not a day name";
        QTest::newRow("weekday 8") << "0 2 * * 8" << "day-of-week: 8 is out of range 0-7";
        QTest::newRow("step 0") << "*/0 * * * *" << "minute: step '0' must be a whole number of at least 1";
        QTest::newRow("step word") << "*/x * * * *" << "minute: step 'x' must be a whole number of at least 1";
        QTest::newRow("backwards range") << "0 5-1 * * *" << "hour: range '5-1' runs backwards";
        QTest::newRow("backwards names") << "0 0 * * SAT-MON" << "day-of-week: range 'SAT-MON' runs backwards";
        QTest::newRow("empty list item") << "1,,2 * * * *" << "minute: empty list item in '1,,2'";
        QTest::newRow("open range") << "0 0 * * MON-" << "day-of-week: missing value";
        QTest::newRow("negative") << "-5 * * * *" << "minute: missing value";
        QTest::newRow("never runs") << "0 0 30 FEB *" << "day-of-month: no selected day occurs in the selected months";
    }

    void invalid()
    {
        QFETCH(QString, expression);
        QFETCH(QString, message);
        try {
            CronSchedule::parse(expression);
            QFAIL("parse accepted an invalid expression");
        } catch (const tf::Error &error) {
            QCOMPARE(error.kind(), tf::Error::Kind::Validation);
            QCOMPARE(error.message(), message);
            QCOMPARE(error.details().value(QStringLiteral("field")).toString(), QStringLiteral("schedule"));
        }
    }
};

QTEST_GUILESS_MAIN(TestCron)
#include "tst_cron.moc"
