# Every runnable shell example of the administrator's guide, run against a scratch platform.
add_test(NAME tst_docs_admin_guide
         COMMAND bash "${CMAKE_CURRENT_LIST_DIR}/run-doc-examples.sh" "${CMAKE_SOURCE_DIR}/docs/admin-guide.md"
                 "${CMAKE_BINARY_DIR}/bin")
set_tests_properties(tst_docs_admin_guide PROPERTIES TIMEOUT 300 LABELS "docs")
