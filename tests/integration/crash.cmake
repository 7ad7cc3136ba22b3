# Crash safety: SIGKILLs a real tfctl at many points of large runs (DESIGN.md section 4).
tf_add_test(NAME tst_crashsafety
    SOURCES integration/tst_crashsafety.cpp integration/crashharness.cpp integration/crashharness.h integration/crashledger.cpp integration/crashledger.h integration/crashmysql.cpp integration/crashmysql.h
    LIBS tfcore TIMEOUT 1200)
target_compile_definitions(tst_crashsafety PRIVATE TF_TEST_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
add_dependencies(tst_crashsafety tfctl)
