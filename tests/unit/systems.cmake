# External systems: credentials at rest (SecretBox), the system registry and its connector
# factory, the PACS demo county with its CAMA schema and demo pairs.
tf_add_test(NAME tst_secretbox SOURCES unit/tst_secretbox.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_systemregistry SOURCES unit/tst_systemregistry.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_demo SOURCES unit/tst_demo.cpp LIBS tfcore LABELS unit)
# The GIS demo's parcel layer against the PACS county of the same options (one-sided parcels).
tf_add_test(NAME tst_gisdemolayer SOURCES unit/tst_gisdemolayer.cpp LIBS tfcore LABELS unit TIMEOUT 120)
