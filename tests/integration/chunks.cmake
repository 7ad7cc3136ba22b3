# A chunked initial load across two real tf-syncd processes on one PostgreSQL control
# database: exact target, a worker SIGKILLed mid-chunk and its chunk resumed elsewhere.
tf_add_test(NAME tst_chunks SOURCES integration/tst_chunks.cpp integration/tst_nodes_cluster.cpp
            integration/tst_nodes_cluster.h LIBS tfcore LABELS integration TIMEOUT 400)
add_dependencies(tst_chunks tf-syncd)
# ChunkQueue's leases over SQLite and a real PostgreSQL (tfcore only).
tf_add_test(NAME tst_chunkqueue SOURCES integration/tst_chunkqueue.cpp LIBS tfcore LABELS integration TIMEOUT 300)
