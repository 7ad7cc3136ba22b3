tf_add_test(NAME tst_apicontract SOURCES integration/tst_apicontract.cpp LIBS tfsyncd tfgateway)
