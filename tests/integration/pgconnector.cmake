# The PostgreSQL connector against a real scratch database (COPY, ON CONFLICT, state store).
tf_add_test(NAME tst_pgconnector SOURCES integration/tst_pgconnector.cpp integration/tst_pgconnector_state.cpp integration/tst_pgconnector.h LIBS tfcore LABELS integration TIMEOUT 600)
