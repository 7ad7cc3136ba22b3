# The ArcGIS source against Koop (tests/gis, installed with npm ci into build/gis-tools) serving a
# generated 10,000-parcel layer, synced into the throwaway PostgreSQL in full and hash modes.
tf_add_test(NAME tst_arcgis_koop SOURCES integration/tst_arcgis_koop.cpp LIBS tfcore LABELS integration TIMEOUT 900)
