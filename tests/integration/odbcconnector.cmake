# The ODBC connector (`kind: odbc`) for real through QODBC against psqlODBC on the test
# PostgreSQL and against SQLite ODBC: catalog, exact values, the engine's full, hash and cursor
# runs as source and as target (type matrix), writes and sync state in one transaction.
tf_add_test(NAME tst_odbcconnector SOURCES integration/tst_odbcconnector.cpp LIBS tfcore LABELS integration TIMEOUT 600)
