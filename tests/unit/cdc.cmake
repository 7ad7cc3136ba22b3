# cdc mode's protocol layer: the pgoutput v1 parser on messages captured from PostgreSQL 15
# (tests/unit/data/pgoutput_v1_capture.*), LSN spelling, malformed input.
tf_add_test(NAME tst_pgoutputparser SOURCES unit/tst_pgoutputparser.cpp LIBS tfcore LABELS unit)
# Whole source transactions from the stream: tables resolved, transactions already applied
# skipped on restart (by commit LSN), schema changes reported, protocol breaks refused.
tf_add_test(NAME tst_changedecoder SOURCES unit/tst_changedecoder.cpp LIBS tfcore LABELS unit)
# Slot safety: a slot gone, advanced past us, WAL lost, another cluster or timeline answering.
tf_add_test(NAME tst_slotsafety SOURCES unit/tst_slotsafety.cpp LIBS tfcore LABELS unit)
