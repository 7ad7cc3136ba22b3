# The gateway's HTTP/1.1 client to tf-syncd: the response parser (every split of the bytes, every
# framing error) and the keep-alive pool against a scripted server over loopback (reuse, the
# one retry of an idempotent call on a stale connection and none for a POST, timeouts, the cap).
tf_add_test(NAME tst_httpresponseparser SOURCES unit/tst_httpresponseparser.cpp LIBS tfgateway LABELS unit)
tf_add_test(NAME tst_upstreampool SOURCES unit/tst_upstreampool.cpp unit/scriptedhttpserver.h LIBS tfgateway LABELS unit)
# The read cache keyed by the change feed, on a real SQLite control database.
tf_add_test(NAME tst_readcache SOURCES unit/tst_readcache.cpp LIBS tfgateway LABELS unit)
