# The T-SQL the sqlserver connector generates, word for word (catalog, read, cursor, Change
# Tracking, hash, merge, delete), and the FreeTDS driver refusing a closed port clearly.
tf_add_test(NAME tst_sqlserverdialect SOURCES unit/tst_sqlserverdialect.cpp LIBS tfcore LABELS unit TIMEOUT 60)
