# docs/api-conventions.md held against every route of a real tf-gateway and tf-syncd, and
# every answer validated against resources/openapi.yaml by the tools tst_openapi installs
# (so it runs after tst_openapi).
tf_add_test(NAME tst_apiconventions SOURCES integration/tst_apiconventions.cpp integration/tst_gatewayproxy_fixture.h LIBS tfcore LABELS integration TIMEOUT 300)
add_dependencies(tst_apiconventions tf-gateway tf-syncd)
set_property(TEST tst_apiconventions APPEND PROPERTY ENVIRONMENT "TF_API_TOOLS=${CMAKE_BINARY_DIR}/api-tools")
set_property(TEST tst_apiconventions APPEND PROPERTY FIXTURES_REQUIRED api_tools)
