# A dry run's before and after values of updates, against real PostgreSQL.
tf_add_test(NAME tst_dryrun_diff SOURCES integration/tst_dryrun_diff.cpp LIBS tfcore LABELS integration TIMEOUT 300)
