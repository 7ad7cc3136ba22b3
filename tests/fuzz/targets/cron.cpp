// The cron parser: any text either parses or throws tf::Error(Validation); a schedule that
// parses finds a next minute strictly after its start, on a whole minute, and finds it again
// from one minute before it.
#include "../fuzzinput.h"

#include "core/errors.h"
#include "sync/schedule/cronschedule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 512)
        return 0; // a schedule is one short line; longer inputs only slow the search down
    const QString text = QString::fromUtf8(tf::fuzz::bytesOf(data, size));
    try {
        const tf::sync::CronSchedule schedule = tf::sync::CronSchedule::parse(text);
        const QDateTime start(QDate(2026, 2, 27), QTime(23, 58, 30), Qt::UTC);
        const QDateTime next = schedule.next(start);
        if (next.isValid()) {
            TF_FUZZ_REQUIRE(next > start, "next() is not after its start");
            TF_FUZZ_REQUIRE(next.time().second() == 0 && next.time().msec() == 0, "next() is not a whole minute");
            TF_FUZZ_REQUIRE(schedule.next(next.addSecs(-60)) == next, "next() from the minute before differs");
        }
    } catch (const tf::Error &error) {
        TF_FUZZ_REQUIRE(error.kind() == tf::Error::Kind::Validation, "a bad schedule is not a validation error");
    }
    return 0;
}
