// ConnectionGuard's request-head handling (RequestFraming): any byte stream is either let
// through or refused with a 4xx, and the verdict cannot depend on how TCP split the stream:
// the bytes fed at once and fed in pieces (sizes taken from the input's first bytes) give the
// same refusal, and a refused stream stays refused.
#include "../fuzzinput.h"

#include "common/requestframing.h"

namespace {

tf::http::HttpLimits smallLimits()
{
    tf::http::HttpLimits limits; // small, so that inputs reach every limit
    limits.maxBodyBytes = 64;
    limits.maxHeaderBytes = 256;
    limits.maxUrlBytes = 48;
    return limits;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tf::fuzz::FuzzInput input(data, size);
    uint8_t pieces[4];
    for (uint8_t &piece : pieces)
        piece = uint8_t(input.byte() % 32 + 1);
    const QByteArrayView stream = input.rest();

    tf::http::RequestFraming whole(smallLimits());
    const tf::http::RequestFraming::Refusal wholeRefusal = whole.feed(stream);
    if (wholeRefusal) {
        TF_FUZZ_REQUIRE(wholeRefusal.status >= 400 && wholeRefusal.status < 500, "a refusal is not a 4xx");
        TF_FUZZ_REQUIRE(!wholeRefusal.code.isEmpty() && !wholeRefusal.message.isEmpty(), "a refusal without a reason");
        TF_FUZZ_REQUIRE(whole.refused(), "a refused stream is not marked refused");
        const tf::http::RequestFraming::Refusal later = whole.feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        TF_FUZZ_REQUIRE(later.status == wholeRefusal.status && later.code == wholeRefusal.code,
                        "a refused stream took more bytes");
    }

    tf::http::RequestFraming split(smallLimits());
    tf::http::RequestFraming::Refusal splitRefusal;
    qsizetype position = 0;
    for (int i = 0; position < stream.size(); ++i) {
        const qsizetype length = qMin<qsizetype>(pieces[i % 4], stream.size() - position);
        splitRefusal = split.feed(stream.sliced(position, length));
        position += length;
        if (splitRefusal)
            break;
    }
    if (splitRefusal.status != wholeRefusal.status || splitRefusal.code != wholeRefusal.code) {
        std::fprintf(stderr, "at once: %d %s; in pieces: %d %s\n", wholeRefusal.status, wholeRefusal.code.constData(),
                     splitRefusal.status, splitRefusal.code.constData());
        TF_FUZZ_REQUIRE(false, "the verdict depends on how the stream was split");
    }
    if (!wholeRefusal)
        TF_FUZZ_REQUIRE(split.atRequestStart() == whole.atRequestStart(), "the request boundary depends on the split");
    return 0;
}
