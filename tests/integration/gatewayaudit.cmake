# /api/audit, /api/audit/export (streamed CSV), /api/audit/verify, /api/changes and
# /api/metrics/history of a real tf-gateway process over HTTP.
tf_add_test(NAME tst_gatewayaudit
            SOURCES integration/tst_gatewayaudit.cpp integration/gatewayaudit_http.cpp integration/gatewayaudit_http.h
            LIBS tfcore Qt6::Network LABELS integration TIMEOUT 120)
add_dependencies(tst_gatewayaudit tf-gateway tfctl)
# Streamed answers of ApiServer (chunked, paced by the reader, pipelining behind a stream).
tf_add_test(NAME tst_chunkedresponse
            SOURCES integration/tst_chunkedresponse.cpp integration/gatewayaudit_http.cpp integration/gatewayaudit_http.h
            LIBS tfhttp LABELS integration TIMEOUT 120)
