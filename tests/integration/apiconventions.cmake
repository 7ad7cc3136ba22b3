# docs/api-conventions.md held against every route of a real tf-gateway and tf-syncd, and
# every answer validated against resources/openapi.yaml (with TF_API_TOOLS).
tf_add_test(NAME tst_apiconventions SOURCES integration/tst_apiconventions.cpp integration/tst_gatewayproxy_fixture.h LIBS tfcore LABELS integration TIMEOUT 240)
add_dependencies(tst_apiconventions tf-gateway tf-syncd)
