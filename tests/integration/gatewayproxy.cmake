# The sync API through a real tf-gateway supervising a real tf-syncd: proxying, the start body,
# the service token, audit entries with the caller, 503 and 504 when tf-syncd fails.
tf_add_test(NAME tst_gatewayproxy SOURCES integration/tst_gatewayproxy.cpp integration/tst_gatewayproxy_fixture.h LIBS tfcore LABELS integration TIMEOUT 120)
add_dependencies(tst_gatewayproxy tf-gateway tf-syncd)
