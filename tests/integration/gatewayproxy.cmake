# The sync API through a real tf-gateway supervising a real tf-syncd: proxying, the start body,
# the service token, audit entries with the caller, 503 and 504 when tf-syncd fails.
tf_add_test(NAME tst_gatewayproxy SOURCES integration/tst_gatewayproxy.cpp integration/tst_gatewayproxy_fixture.h LIBS tfcore LABELS integration TIMEOUT 120)
add_dependencies(tst_gatewayproxy tf-gateway tf-syncd)

# Writes through the gateway: ETags and If-Match (412), merge patch, idempotent starts.
tf_add_test(NAME tst_gatewayproxy_writes SOURCES integration/tst_gatewayproxy_writes.cpp integration/tst_gatewayproxy_fixture.h LIBS tfcore LABELS integration TIMEOUT 120)
add_dependencies(tst_gatewayproxy_writes tf-gateway tf-syncd)

# GET /api/sync-operations/summary: finished operations per hour and day, exact counts, 400s.
tf_add_test(NAME tst_operationsummary SOURCES integration/tst_operationsummary.cpp integration/tst_gatewayproxy_fixture.h LIBS tfcore LABELS integration TIMEOUT 120)
add_dependencies(tst_operationsummary tf-gateway tf-syncd)

# The gateway's read cache: never stale across two gateways (SQLite and PostgreSQL), and an
# unchanged read answered without tf-syncd.
tf_add_test(NAME tst_gatewaycache SOURCES integration/tst_gatewaycache.cpp integration/tst_gatewayproxy_fixture.h LIBS tfcore LABELS integration TIMEOUT 180)
add_dependencies(tst_gatewaycache tf-gateway tf-syncd)
