# Full sync into PostgreSQL writes each row once (issue 16): counts from the write itself, the
# sync state written set-based at the end, plain inserts into an empty target.
tf_add_test(NAME tst_fullsync SOURCES integration/tst_fullsync.cpp LIBS tfcore LABELS integration TIMEOUT 300)
