# The OGC API Features source against MapServer 8 (cgi-mapserver) run as CGI behind an in-test
# HTTP server: a 10,000-parcel UTF-8 shapefile synced into PostgreSQL in full and hash modes, and
# MapServer 8.0's GeoPackage paging bug detected. Needs cgi-mapserver and gdal-bin.
tf_add_test(NAME tst_ogcapi_mapserver SOURCES integration/tst_ogcapi_mapserver.cpp LIBS tfcore LABELS integration TIMEOUT 900)
