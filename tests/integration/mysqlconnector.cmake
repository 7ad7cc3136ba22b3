# The MySQL/MariaDB connector against a throwaway MariaDB the test starts (tests/support/mariadbserver.h):
# catalog, exact values, keyset paging, server-side hashes, cursor horizon, set-based writes with
# counts, sync state in the same transaction; the streamed read (libmariadb) against the paged one,
# its snapshot, and a read the server kills mid-stream.
tf_add_test(NAME tst_mysqlconnector SOURCES integration/tst_mysqlconnector.cpp integration/tst_mysqlconnector_writes.cpp integration/tst_mysqlconnector_stream.cpp integration/tst_mysqlconnector.h LIBS tfcore LABELS integration TIMEOUT 600)
