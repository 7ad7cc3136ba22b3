// The pgoutput parser (logical replication messages): any payload either decodes or throws
// tf::Error(Internal) naming what it could not read.
#include "../fuzzinput.h"

#include "core/errors.h"
#include "sync/cdc/pgoutputparser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    try {
        const tf::sync::cdc::PgOutputMessage message = tf::sync::cdc::parsePgOutput(tf::fuzz::bytesOf(data, size));
        TF_FUZZ_REQUIRE(!tf::sync::cdc::pgOutputMessageName(message).isEmpty(), "a decoded message without a name");
    } catch (const tf::Error &error) {
        TF_FUZZ_REQUIRE(error.kind() == tf::Error::Kind::Internal, "a bad message is not an internal error");
        TF_FUZZ_REQUIRE(error.message().startsWith(QStringLiteral("pgoutput: ")), "the error does not say pgoutput");
    }
    return 0;
}
