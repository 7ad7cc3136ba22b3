# Hash mode by blocks against real PostgreSQL: no-change runs read no row, changes found in
# their blocks, --full then hash, state out of step with the data (needs the test PostgreSQL).
tf_add_test(NAME tst_blockhash SOURCES integration/tst_blockhash.cpp integration/tst_blockhash_layouts.cpp integration/tst_blockhash.h LIBS tfcore LABELS integration TIMEOUT 600)
