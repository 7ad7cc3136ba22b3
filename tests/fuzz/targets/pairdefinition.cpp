// Sync pair definitions (the JSON body of POST /api/sync-pairs): any bytes either parse or
// throw tf::Error (BadRequest for bad JSON, Validation for a bad definition); a definition that
// parses writes JSON that parses back to the same definition, and orders its entities.
#include "../fuzzinput.h"

#include "core/errors.h"
#include "core/jsonutil.h"
#include "sync/definition/syncpairdefinition.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    try {
        const QJsonObject json = tf::json::parseObject(tf::fuzz::bytesOf(data, size).toByteArray());
        const tf::sync::SyncPairDefinition definition = tf::sync::SyncPairDefinition::parse(json);
        const QList<int> order = definition.executionOrder();
        TF_FUZZ_REQUIRE(order.size() == definition.entities.size(), "the execution order misses entities");
        for (int i = 0; i < definition.entities.size(); ++i) {
            (void)definition.modeOf(i);
            (void)definition.cursorOf(i);
            (void)definition.deletePolicyOf(i);
        }
        const QJsonObject written = definition.toJson();
        try {
            const tf::sync::SyncPairDefinition again = tf::sync::SyncPairDefinition::parse(written);
            TF_FUZZ_REQUIRE(again.toJson() == written, "the written definition reads back differently");
        } catch (const tf::Error &) {
            TF_FUZZ_REQUIRE(false, "the written definition does not parse");
        }
    } catch (const tf::Error &error) {
        TF_FUZZ_REQUIRE(error.kind() == tf::Error::Kind::Validation || error.kind() == tf::Error::Kind::BadRequest,
                        "a bad definition is not a validation error");
    }
    return 0;
}
