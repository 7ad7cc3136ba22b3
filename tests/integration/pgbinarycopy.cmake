# Writes by COPY's binary form: every value stored exactly as its text input stores it (the
# types' send functions compared), the same refusals, values without a binary form sent as
# text, and the writer's batches read back value for value (needs the test PostgreSQL).
tf_add_test(NAME tst_pgbinarycopy SOURCES integration/tst_pgbinarycopy.cpp LIBS tfcore LABELS integration TIMEOUT 300)
