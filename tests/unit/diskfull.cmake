# Issue 19: a full disk or read-only database mapped to insufficient_storage (507) and retried
# by the workers; the circuit breaker's [sync] keys.
tf_add_test(NAME tst_storagefailure SOURCES unit/tst_storagefailure.cpp LIBS tfsyncd LABELS unit)
tf_add_test(NAME tst_workersettings SOURCES unit/tst_workersettings.cpp LIBS tfsyncd LABELS unit)
