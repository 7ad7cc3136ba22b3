# cdc mode's replication connection against a PostgreSQL cluster the test starts itself with
# wal_level=logical (TemporaryPostgres): IDENTIFY_SYSTEM, slot with an exported snapshot,
# START_REPLICATION, keepalives, feedback. TF_REQUIRE_PG=1 makes a missing PostgreSQL a failure.
tf_add_test(NAME tst_pgreplication SOURCES integration/tst_pgreplication.cpp LIBS tfcore
            LABELS integration TIMEOUT 300)
# cdc mode's target side against its own wal_level=logical cluster: streamed values equal the
# full load's over the type-fidelity matrix, tf_cdc_position, the target writer.
tf_add_test(NAME tst_cdcapply SOURCES integration/tst_cdcapply.cpp LIBS tfcore
            LABELS integration TIMEOUT 300)
# cdc mode end to end (CdcExecutor) on its own wal_level=logical cluster: snapshot then
# streamed inserts, updates (an unchanged TOAST value), key-only deletes, a key change, TRUNCATE,
# a composite key; stop and resume with nothing applied twice; a dropped slot stops with an alert.
tf_add_test(NAME tst_cdcexecutor SOURCES integration/tst_cdcexecutor.cpp integration/cdcpairfixture.h
            integration/cdcrunning.h
            LIBS tfcore LABELS integration TIMEOUT 300)
# The executor into a real target under REPLICA IDENTITY DEFAULT and FULL: every kind of change
# on a composite key (TRUNCATE, an unchanged TOAST value) and every row of the type-fidelity
# matrix, the target compared with the source as text.
tf_add_test(NAME tst_cdcexecmatrix SOURCES integration/tst_cdcexecmatrix.cpp integration/cdcpairfixture.h
            integration/cdcrunning.h integration/tst_typefidelity.h
            LIBS tfcore LABELS integration TIMEOUT 300)
# kill -9 of the process running the cdc executor at 20 points (2 in the initial snapshot, 18
# while streaming) with a concurrent writer: the target equals the source, nothing applied twice.
tf_add_test(NAME tst_cdccrash SOURCES integration/tst_cdccrash.cpp integration/cdcpairfixture.h
            integration/cdcrunning.h integration/cdcsourcewriter.h LIBS tfcore LABELS integration TIMEOUT 600)
# cdc mode through the services: a tf-gateway (its tf-syncd answering the API) and two tf-syncd
# worker nodes on a control database of a wal_level=logical cluster; a cdc pair made through the
# REST API streams (heartbeat statistics, disable/enable, exactly once); a stream failed for good
# is not queued again until a person acts; kill -9 of the streaming node: the other takes the
# lease over and resumes exactly; DELETE drops the slot and publication.
tf_add_test(NAME tst_cdcservice SOURCES integration/tst_cdcservice.cpp integration/cdcpairfixture.h
            integration/tst_nodes_cluster.cpp integration/tst_nodes_cluster.h
            integration/tst_gatewayproxy_fixture.h LIBS tfcore LABELS integration TIMEOUT 400)
add_dependencies(tst_cdcservice tf-gateway tf-syncd)
# Schema change approval (issue 17 item 4) on its own wal_level=logical cluster, through the sync
# API in process (SQLite control database): ALTER TABLE while streaming holds the pair; approve
# with a mapping of the new column (everything after the ALTER applied exactly once), reject
# (stays stopped), resnapshot (slot and position dropped, rows deleted meanwhile gone); bad
# ids and bodies are 4xx naming the problem; a table altered between the snapshot's consistent
# point and its first streamed change (and while stopped before it) is held too.
tf_add_test(NAME tst_cdcschema SOURCES integration/tst_cdcschema.cpp integration/cdcpairfixture.h
            integration/cdcrunning.h integration/tst_syncapi_fixture.h LIBS tfsyncd
            LABELS integration TIMEOUT 300)
# A 1,000,000-row UPDATE in one source transaction, streamed by a child process under a 2 s
# wal_sender_timeout: one target transaction, peak RSS (VmHWM) <= 150 MB (issue 17).
tf_add_test(NAME tst_cdcbigtx SOURCES integration/tst_cdcbigtx.cpp integration/cdcpairfixture.h
            LIBS tfcore LABELS integration TIMEOUT 600)
# Issue 17's first "Done when", on the demo: `tfctl demo install --pacs-url --cama-url` into a
# wal_level=logical cluster, the property pair (resources/demo/pairs/property.json) made
# "mode":"cdc" through a tf-gateway: its snapshot equals a full-mode run of the same pair (rows,
# values, quarantine); an insert, update and delete arrive; the pair view's cdc object; the
# commit-to-visible latency of 200 single-row updates printed (not asserted); --mode cdc and
# the demo's refusals (exit 2, one line).
tf_add_test(NAME tst_cdcdemo SOURCES integration/tst_cdcdemo.cpp integration/tst_gatewayproxy_fixture.h
            LIBS tfcore LABELS integration TIMEOUT 300)
add_dependencies(tst_cdcdemo tf-gateway tf-syncd tfctl)
# cdc mode into an SQLite file target (cdc::SqliteCdcTarget) from a wal_level=logical cluster:
# snapshot then streamed inserts, updates (an unchanged TOAST value left untouched), key-only
# deletes, a key change and TRUNCATE on a composite key, under propagate and soft_delete; stop and
# resume with nothing applied twice; the type-fidelity matrix as the full load stores it; kill -9
# of the streaming process at 20 points with a concurrent writer: the target equals the source.
tf_add_test(NAME tst_cdcsqlite SOURCES integration/tst_cdcsqlite.cpp integration/cdcpairfixture.h
            integration/cdcrunning.h integration/cdcsourcewriter.h integration/cdctargetscenario.h
            integration/tst_typefidelity.h
            LIBS tfcore LABELS integration TIMEOUT 400)
# cdc mode into a MariaDB target (cdc::MysqlCdcTarget) against a throwaway MariaDB the test
# starts (TF_REQUIRE_MARIADB=1: a missing server fails): the scenarios of cdctargetscenario.h
# (snapshot, every kind of change on a composite key, an unsent TOAST value left untouched, stop
# and resume exactly, TRUNCATE) and kill -9 of the streaming process at 10 points.
tf_add_test(NAME tst_cdcmariadb SOURCES integration/tst_cdcmariadb.cpp integration/cdcmariaside.h integration/cdcpairfixture.h
            integration/cdcrunning.h integration/cdcsourcewriter.h integration/cdctargetscenario.h
            LIBS tfcore LABELS integration TIMEOUT 400)
# cdc mode into ODBC targets (cdc::OdbcCdcTarget, `kind: odbc`): PostgreSQL through psqlODBC and
# an SQLite file through SQLite ODBC (TF_REQUIRE_ODBC=1: a missing driver fails): the scenarios
# of cdctargetscenario.h (snapshot, every kind of change on a composite key, an unsent TOAST
# value left untouched, stop and resume exactly, TRUNCATE), TRUNCATE under soft_delete and
# ignore, the position store, streamed values equal to the full load's, and kill -9 of the
# streaming process at 10 points, for each driver.
tf_add_test(NAME tst_cdcodbc SOURCES integration/tst_cdcodbc.cpp integration/cdcpairfixture.h
            integration/cdcrunning.h integration/cdcsourcewriter.h integration/cdctargetscenario.h
            LIBS tfcore LABELS integration TIMEOUT 400)
# The type-fidelity matrix in cdc mode into a MariaDB target (a throwaway MariaDB the test starts;
# TF_REQUIRE_MARIADB=1: a missing server fails) under REPLICA IDENTITY DEFAULT and FULL: streamed
# and snapshot rows, updates, a repaired row and deletes stored as a full-mode run stores them
# (compared by MariaDB, null-safe and BINARY), every row MariaDB cannot hold quarantined with the
# same reason naming its column and value in both modes; text ending in spaces under a PAD SPACE
# unique key and in a CHAR column refused alike (a refused key's delete touches no other row).
tf_add_test(NAME tst_cdcmariadbmatrix SOURCES integration/tst_cdcmariadbmatrix.cpp integration/cdcmariaside.h
            integration/cdcpairfixture.h integration/cdcrunning.h integration/cdctargetscenario.h
            integration/tst_typefidelity.h
            LIBS tfcore LABELS integration TIMEOUT 300)
