# The audit trail (filters, paging, summary, verification, append-only triggers, retention),
# the change feed behind /api/changes and the metric downsampling: real SQLite and PostgreSQL.
tf_add_test(NAME tst_auditrepository SOURCES unit/tst_auditrepository.cpp unit/audit_fixture.h LIBS tfcore LABELS unit TIMEOUT 120)
tf_add_test(NAME tst_auditchain SOURCES unit/tst_auditchain.cpp unit/audit_fixture.h LIBS tfcore LABELS unit TIMEOUT 120)
tf_add_test(NAME tst_changefeed SOURCES unit/tst_changefeed.cpp unit/audit_fixture.h LIBS tfcore LABELS unit TIMEOUT 60)
