// The CSV reader (RFC 4180 over a device): any bytes either read as records or throw
// tf::Error(Validation) naming the file; line numbers only grow. The first byte picks the
// delimiter.
#include "../fuzzinput.h"

#include "core/errors.h"
#include "sync/connectors/csvparser.h"

#include <QBuffer>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tf::fuzz::FuzzInput input(data, size);
    static const char delimiters[] = { ',', ';', '\t', '|' };
    const char delimiter = delimiters[input.byte() % 4];
    QByteArray bytes = input.rest().toByteArray();
    QBuffer device(&bytes);
    device.open(QIODevice::ReadOnly);
    try {
        tf::sync::files::CsvParser parser(&device, delimiter, QStringLiteral("fuzz.csv"));
        tf::sync::files::CsvRecord record;
        qint64 lastLine = 0;
        while (parser.next(&record)) {
            TF_FUZZ_REQUIRE(parser.line() > lastLine, "record line numbers do not grow");
            lastLine = parser.line();
            TF_FUZZ_REQUIRE(!record.isEmpty(), "a record without fields");
        }
    } catch (const tf::Error &error) {
        TF_FUZZ_REQUIRE(error.kind() == tf::Error::Kind::Validation, "bad CSV is not a validation error");
        TF_FUZZ_REQUIRE(error.message().contains(QStringLiteral("fuzz.csv")), "the error does not name the file");
    }
    return 0;
}
