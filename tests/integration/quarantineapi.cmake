# GET /api/quarantine (across pairs, filters, cursor) and /api/quarantine/summary through a real
# tf-gateway supervising a real tf-syncd.
tf_add_test(NAME tst_quarantineapi SOURCES integration/tst_quarantineapi.cpp integration/tst_gatewayproxy_fixture.h LIBS tfcore LABELS integration TIMEOUT 120)
add_dependencies(tst_quarantineapi tf-gateway tf-syncd)
