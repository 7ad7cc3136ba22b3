# The OpenAPI descriptions (resources/openapi.yaml, resources/openapi-syncd.yaml): redocly lint,
# TypeScript generation and the answer validator's self-test (tests/api/check-openapi.sh).
# The pinned npm tools are installed with npm ci into the build tree on the first run (which
# needs the npm registry; later runs reuse them while the lock file is unchanged).
add_test(NAME tst_openapi
         COMMAND bash "${CMAKE_CURRENT_LIST_DIR}/check-openapi.sh" --work "${CMAKE_BINARY_DIR}/api-tools")
set_tests_properties(tst_openapi PROPERTIES TIMEOUT 600 LABELS "api")
# tst_apiconventions validates real answers with the tools installed here.
set_tests_properties(tst_openapi PROPERTIES FIXTURES_SETUP api_tools)

# Every route's real answers, writes included, along record-answers.mjs's tour of a scratch
# gateway, validated against resources/openapi.yaml with --strict (no member the description
# does not name). tst_apiconventions does the same for the reads and refusals of every route.
add_test(NAME tst_api_answers
         COMMAND bash "${CMAKE_CURRENT_LIST_DIR}/record-answers.sh" --strict
                 --bin-dir "${CMAKE_BINARY_DIR}/bin" --tools "${CMAKE_BINARY_DIR}/api-tools")
set_tests_properties(tst_api_answers PROPERTIES TIMEOUT 300 LABELS "api" FIXTURES_REQUIRED api_tools)
