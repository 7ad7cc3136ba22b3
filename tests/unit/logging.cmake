tf_add_test(NAME tst_logging SOURCES unit/tst_logging.cpp LIBS tfcore)
