# Hash mode by blocks with a MariaDB source (issue 18): a throwaway MariaDB the test starts
# (tests/support/mariadbserver.h) and the test PostgreSQL as target; no change reads no row,
# one changed row among 20,000 found in its block, block boundaries, composite and text keys.
tf_add_test(NAME tst_mysqlblockhash SOURCES integration/tst_mysqlblockhash.cpp LIBS tfcore LABELS integration TIMEOUT 600)
