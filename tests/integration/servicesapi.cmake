# GET /api/services and /api/services/events against a tf-gateway supervising tf-syncd.
tf_add_test(NAME tst_services_api SOURCES integration/tst_services_api.cpp integration/tst_gatewayproxy_fixture.h
            LIBS tfcore LABELS integration TIMEOUT 120)
add_dependencies(tst_services_api tf-gateway tf-syncd)
