# cdc mode's replication connection against a PostgreSQL cluster the test starts itself with
# wal_level=logical (TemporaryPostgres): IDENTIFY_SYSTEM, slot with an exported snapshot,
# START_REPLICATION, keepalives, feedback. TF_REQUIRE_PG=1 makes a missing PostgreSQL a failure.
tf_add_test(NAME tst_pgreplication SOURCES integration/tst_pgreplication.cpp LIBS tfcore
            LABELS integration TIMEOUT 300)
# cdc mode's target side against its own wal_level=logical cluster: streamed values equal the
# full load's over the type-fidelity matrix, tf_cdc_position, the target writer.
tf_add_test(NAME tst_cdcapply SOURCES integration/tst_cdcapply.cpp LIBS tfcore
            LABELS integration TIMEOUT 300)
