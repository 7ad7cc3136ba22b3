// The audit CSV writer's escaping: entries whose text fields are any UTF-8 (fields separated by
// 0x1f in the input) are written as CSV that the platform's own RFC 4180 reader reads back to
// exactly the same fields, one record per entry.
#include "../fuzzinput.h"

#include "core/errors.h"
#include "db/repositories/auditcsv.h"
#include "sync/connectors/csvparser.h"

#include <QBuffer>

namespace {

QString nextText(tf::fuzz::FuzzInput &input)
{
    return QString::fromUtf8(input.part('\x1f'));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tf::fuzz::FuzzInput input(data, size);
    QList<tf::db::AuditEntry> entries;
    while (!input.atEnd() && entries.size() < 4) {
        tf::db::AuditEntry entry;
        entry.id = entries.size() + 1;
        entry.eventType = nextText(input);
        entry.severity = nextText(input);
        entry.resourceType = nextText(input);
        entry.resourceId = nextText(input);
        entry.description = nextText(input);
        entry.username = nextText(input);
        entry.ipAddress = nextText(input);
        entry.userAgent = nextText(input);
        entry.correlationId = nextText(input);
        entry.prevHash = nextText(input);
        entry.entryHash = nextText(input);
        entries.append(entry);
    }

    QByteArray csv = tf::db::auditcsv::header() + tf::db::auditcsv::rows(entries);
    QBuffer device(&csv);
    device.open(QIODevice::ReadOnly);
    tf::sync::files::CsvParser parser(&device, ',', QStringLiteral("audit.csv"));
    tf::sync::files::CsvRecord record;
    try {
        TF_FUZZ_REQUIRE(parser.next(&record) && record.size() == 16, "the header does not read back");
        for (const tf::db::AuditEntry &entry : entries) {
            TF_FUZZ_REQUIRE(parser.next(&record), "an entry is missing from the CSV");
            TF_FUZZ_REQUIRE(record.size() == 16, "an entry does not read back as 16 fields");
            const QStringList expected { entry.eventType, entry.severity,  entry.resourceType, entry.resourceId,
                                         entry.description, entry.username, entry.ipAddress,  entry.userAgent,
                                         entry.correlationId, entry.prevHash, entry.entryHash };
            const QList<int> columns { 2, 3, 4, 5, 7, 10, 11, 12, 13, 14, 15 };
            for (int i = 0; i < columns.size(); ++i)
                TF_FUZZ_REQUIRE(record.at(columns.at(i)).text == expected.at(i), "a field does not read back exactly");
        }
        TF_FUZZ_REQUIRE(!parser.next(&record), "the CSV holds more records than entries");
    } catch (const tf::Error &) {
        TF_FUZZ_REQUIRE(false, "the audit CSV does not read as CSV");
    }
    return 0;
}
