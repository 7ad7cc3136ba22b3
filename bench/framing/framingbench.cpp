// tf-framingbench [requests]: feeds RequestFraming (ConnectionGuard's check of where each
// request ends) a keep-alive stream of typical requests and prints the cost per request.
#include "common/requestframing.h"

#include <QByteArray>
#include <QElapsedTimer>

#include <cstdio>
#include <cstdlib>

using namespace tf::http;

namespace {

double nsPerRequest(const QByteArray &request, int count)
{
    RequestFraming framing { HttpLimits {} };
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < count; ++i) {
        if (framing.feed(request)) {
            std::fprintf(stderr, "tf-framingbench: the sample request was refused\n");
            std::exit(1);
        }
    }
    return double(timer.nsecsElapsed()) / count;
}

} // namespace

int main(int argc, char **argv)
{
    const int count = argc > 1 ? std::atoi(argv[1]) : 1000000;
    const QByteArray get = "GET /api/sync-pairs?limit=50 HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nUser-Agent: wrk\r\n"
                           "Authorization: Bearer tfs_0123456789abcdef0123456789abcdef\r\nAccept: application/json\r\n\r\n";
    const QByteArray post = "POST /api/sync-operations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            "Content-Length: 30\r\n\r\n{\"pair_id\":1,\"mode\":\"full\"}   ";
    const QByteArray chunked = "PUT /api/sync-pairs/1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n1e\r\n{\"pair_id\":1,\"mode\":\"full\"}   \r\n0\r\n\r\n";
    std::printf("requests: %d\n", count);
    std::printf("GET head, %lld bytes: %.0f ns/request\n", static_cast<long long>(get.size()), nsPerRequest(get, count));
    std::printf("POST with Content-Length, %lld bytes: %.0f ns/request\n", static_cast<long long>(post.size()),
                nsPerRequest(post, count));
    std::printf("PUT chunked, %lld bytes: %.0f ns/request\n", static_cast<long long>(chunked.size()),
                nsPerRequest(chunked, count));
    return 0;
}
