# Cursor kind change_tracking (SQL Server Change Tracking): the engine and the ODBC connector for
# real over psqlODBC against the test PostgreSQL, with the three Change Tracking statements
# answered by a trigger-kept change log at the connector's seam (no SQL Server runs here).
tf_add_test(NAME tst_changetracking SOURCES integration/tst_changetracking.cpp integration/pgchangelog.h LIBS tfcore LABELS integration TIMEOUT 300)
