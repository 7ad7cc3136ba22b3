# External systems: credentials at rest (SecretBox), the system registry and its connector
# factory, the PACS demo county with its CAMA schema and demo pairs.
tf_add_test(NAME tst_secretbox SOURCES unit/tst_secretbox.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_systemregistry SOURCES unit/tst_systemregistry.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_demo SOURCES unit/tst_demo.cpp LIBS tfcore LABELS unit)
