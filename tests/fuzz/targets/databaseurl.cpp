// Database URL parsing: any text either parses or throws tf::Error(Validation) whose message
// never holds the password; a parsed URL's redacted form hides the password and parses back
// to the same place.
#include "../fuzzinput.h"

#include "core/errors.h"
#include "db/databaseurl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(tf::fuzz::bytesOf(data, size));
    tf::db::DatabaseUrl url;
    try {
        url = tf::db::DatabaseUrl::parse(text);
    } catch (const tf::Error &error) {
        TF_FUZZ_REQUIRE(error.kind() == tf::Error::Kind::Validation, "a bad URL is not a validation error");
        return 0;
    }
    (void)url.driverName();
    (void)url.connectOptions();
    if (!url.isPostgres())
        return 0;
    const QString redacted = url.redacted();
    // The same URL with another password: its redacted form must not hold that one, and the real
    // password may appear only where it is other text too (a user "//u" after "postgresql:").
    tf::db::DatabaseUrl marked = url;
    marked.password = QStringLiteral("tf-fuzz-password-marker");
    const QString markedRedacted = marked.redacted();
    TF_FUZZ_REQUIRE(!markedRedacted.contains(marked.password), "the redacted URL holds the password");
    if (!url.password.isEmpty() && !markedRedacted.contains(url.password))
        TF_FUZZ_REQUIRE(!redacted.contains(url.password), "the redacted URL holds the password");
    try {
        const tf::db::DatabaseUrl again = tf::db::DatabaseUrl::parse(redacted);
        TF_FUZZ_REQUIRE(again.isPostgres() && again.host == url.host && again.port == url.port
                            && again.user == url.user && again.database == url.database && again.options == url.options,
                        "the redacted URL names another database");
    } catch (const tf::Error &) {
        TF_FUZZ_REQUIRE(false, "the redacted URL does not parse");
    }
    return 0;
}
