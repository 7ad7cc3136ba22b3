# Control database layer (shared/db): real SQLite and PostgreSQL, no mocks.
tf_add_test(NAME tst_databaseurl SOURCES unit/tst_databaseurl.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_migrator SOURCES unit/tst_migrator.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_repositories SOURCES unit/tst_repositories.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_idempotencystore SOURCES unit/tst_idempotencystore.cpp LIBS tfhttp LABELS unit)
# The node registry's writer (services/common/noderegistration): register, beat, survive a failed
# write, stop.
tf_add_test(NAME tst_noderegistration SOURCES unit/tst_noderegistration.cpp LIBS tfhttp LABELS unit)
