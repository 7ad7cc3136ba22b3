# A target PostgreSQL cluster crashed mid-run: the circuit breaker opens, the operation waits
# in the queue, and completes with exact data once the cluster is back.
tf_add_test(NAME tst_circuit SOURCES integration/tst_circuit.cpp LIBS tfcore LABELS integration
            TIMEOUT 400)
add_dependencies(tst_circuit tf-syncd)
