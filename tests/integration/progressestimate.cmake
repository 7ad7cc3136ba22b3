# Progress within cursor and full runs (issue 16 item 6) against a real PostgreSQL: the
# source's row estimates and the progress reports they give (needs the test PostgreSQL).
tf_add_test(NAME tst_progressestimate SOURCES integration/tst_progressestimate.cpp LIBS tfcore LABELS integration TIMEOUT 300)
