# The node registry (service_nodes) through GET /api/services: a tf-gateway with its tf-syncd and
# two more tf-syncd nodes on one PostgreSQL control database; running, stale after SIGKILL,
# stopped after SIGTERM.
tf_add_test(NAME tst_service_nodes SOURCES integration/tst_service_nodes.cpp integration/tst_nodes_cluster.cpp
            integration/tst_nodes_cluster.h integration/tst_gatewayproxy_fixture.h LIBS tfcore LABELS integration TIMEOUT 180)
add_dependencies(tst_service_nodes tf-gateway tf-syncd)
