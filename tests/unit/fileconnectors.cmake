# SQLite, CSV and JSON Lines connectors over real files in temporary folders.
tf_add_test(NAME tst_sqliteconnector SOURCES unit/tst_sqliteconnector.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_csvconnector SOURCES unit/tst_csvconnector.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_jsonlconnector SOURCES unit/tst_jsonlconnector.cpp LIBS tfcore LABELS unit)
