# Exact values end to end: the type-fidelity matrix (PostgreSQL -> PostgreSQL and -> SQLite, every
# mode), --full then hash, and values a target cannot hold (needs the test PostgreSQL).
tf_add_test(NAME tst_typefidelity SOURCES integration/tst_typefidelity.cpp integration/tst_typefidelity_sources.cpp integration/tst_typefidelity.h integration/tst_typefidelity_fixture.h LIBS tfcore LABELS integration TIMEOUT 600)
