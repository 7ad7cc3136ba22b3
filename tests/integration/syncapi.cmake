# The sync API of tf-syncd in process over loopback HTTP, on SQLite and on PostgreSQL.
tf_add_test(NAME tst_syncapi SOURCES integration/tst_syncapi.cpp integration/tst_syncapi_badinput.h integration/tst_syncapi_fixture.h LIBS tfsyncd TIMEOUT 300)
tf_add_test(NAME tst_syncapi_flow SOURCES integration/tst_syncapi_flow.cpp integration/tst_syncapi_fixture.h LIBS tfsyncd TIMEOUT 600)
