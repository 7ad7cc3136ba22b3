# The ArcGIS REST source against the recorded responses in tests/unit/data/arcgis, served by an
# in-test QHttpServer over loopback: paging under maxRecordCount, the returnIdsOnly fallback,
# {"error"} at HTTP 200, retries on 5xx/429 with Retry-After, the token header, exact values.
tf_add_test(NAME tst_arcgisconnector SOURCES unit/tst_arcgisconnector.cpp LIBS tfcore Qt6::HttpServer LABELS unit)
# Negative zeros read exactly by the OGC API source (and the shared gis::markNegativeZeros), from
# an answer in tests/unit/data/ogcapi served byte for byte over loopback.
tf_add_test(NAME tst_ogcapinegativezero SOURCES unit/tst_ogcapinegativezero.cpp LIBS tfcore Qt6::HttpServer LABELS unit TIMEOUT 60)
