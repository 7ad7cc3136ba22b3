# The operation queue over SQLite and a real PostgreSQL: dedupe, claims, leases, cancel, retry,
# logs, paging (tfcore only).
tf_add_test(NAME tst_queue SOURCES integration/tst_queue.cpp LIBS tfcore LABELS integration TIMEOUT 300)
# Three tf-syncd nodes on one PostgreSQL control database: 20 pairs run exactly once, a
# schedule fires once, a node killed mid-run hands its operation to another.
tf_add_test(NAME tst_nodes SOURCES integration/tst_nodes.cpp integration/tst_nodes_cluster.cpp
            integration/tst_nodes_cluster.h LIBS tfcore LABELS integration TIMEOUT 400)
add_dependencies(tst_nodes tf-syncd tfctl)
# LISTEN/NOTIFY: nodes that poll every ten minutes start an operation enqueued elsewhere at once.
tf_add_test(NAME tst_queuewake SOURCES integration/tst_queuewake.cpp integration/tst_nodes_cluster.cpp
            integration/tst_nodes_cluster.h LIBS tfcore LABELS integration TIMEOUT 180)
add_dependencies(tst_queuewake tf-syncd)
