# cdc mode's replication connection against a PostgreSQL cluster the test starts itself with
# wal_level=logical (TemporaryPostgres): IDENTIFY_SYSTEM, slot with an exported snapshot,
# START_REPLICATION, keepalives, feedback. TF_REQUIRE_PG=1 makes a missing PostgreSQL a failure.
tf_add_test(NAME tst_pgreplication SOURCES integration/tst_pgreplication.cpp LIBS tfcore
            LABELS integration TIMEOUT 300)
