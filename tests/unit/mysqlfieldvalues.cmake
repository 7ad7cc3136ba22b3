# A MariaDB field's value and hash text from its bytes (mysqlfieldvalues.h) against fromText()'s
# QString rules, type by type with the edges; hashRow() and doubleText() against the QString
# implementations they replaced. No server: the streamed read against a real one is
# tst_mysqlconnector's.
tf_add_test(NAME tst_mysqlfieldvalues SOURCES unit/tst_mysqlfieldvalues.cpp LIBS tfcore LABELS unit)
