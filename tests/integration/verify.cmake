# Verify and repair (issue 11) against a real PostgreSQL: checksum bisection PG <-> PG, the
# streaming merge for computed mappings and SQLite targets, repair through the apply path.
tf_add_test(NAME tst_verify SOURCES integration/tst_verify.cpp LIBS tfcore LABELS integration TIMEOUT 600)
tf_add_test(NAME tst_verify_api SOURCES integration/tst_verify_api.cpp integration/tst_syncapi_fixture.h LIBS tfsyncd TIMEOUT 300)
tf_add_test(NAME tst_tfctl_verify SOURCES integration/tst_tfctl_verify.cpp LIBS tfcore LABELS integration TIMEOUT 300)
add_dependencies(tst_tfctl_verify tfctl)
