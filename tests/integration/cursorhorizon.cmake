# Cursor mode's safe horizon against a real PostgreSQL: a transaction open across a run, and
# two concurrent writers during repeated runs (needs the test PostgreSQL).
tf_add_test(NAME tst_cursorhorizon SOURCES integration/tst_cursorhorizon.cpp LIBS tfcore LABELS integration TIMEOUT 600)
