# The sync engine (shared/sync/engine) against the in-memory FakeSystem and a real SQLite
# control database: whole states compared after each run, faults injected by count.
tf_add_test(NAME tst_engine SOURCES unit/tst_engine.cpp unit/tst_engine_fixture.h LIBS tfcore LABELS unit)
tf_add_test(NAME tst_engine_cursor SOURCES unit/tst_engine_cursor.cpp unit/tst_engine_fixture.h LIBS tfcore LABELS unit)
tf_add_test(NAME tst_engine_faults SOURCES unit/tst_engine_faults.cpp unit/tst_engine_fixture.h LIBS tfcore LABELS unit)
tf_add_test(NAME tst_quarantine SOURCES unit/tst_quarantine.cpp unit/tst_engine_fixture.h LIBS tfcore LABELS unit)
tf_add_test(NAME tst_resilience SOURCES unit/tst_resilience.cpp LIBS tfcore LABELS unit)
