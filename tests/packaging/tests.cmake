# Checks of the build machine and the packages that are scripts, not QtTest programs.
# The dependency check must name a package that install-deps.sh no longer lists, both one
# found at configure time (libqt6opengl6-dev: Qt6Charts' CMake files need Qt6OpenGL) and one
# loaded only at run time (libqt6sql6-psql: the QPSQL plugin).
add_test(NAME depcheck_names_removed_packages
    COMMAND bash "${CMAKE_CURRENT_LIST_DIR}/depcheck-selftest.sh" "${CMAKE_BINARY_DIR}")
set_tests_properties(depcheck_names_removed_packages PROPERTIES TIMEOUT 180 LABELS "packaging")

# tf-syncd, tf-gateway and tfctl allocate through jemalloc (TF_JEMALLOC): each names it ahead
# of the C library, and jemalloc itself answers in the running program (it prints its
# statistics at exit under MALLOC_CONF=stats_print:true; glibc's malloc ignores the variable).
if(TF_USE_JEMALLOC)
    add_test(NAME programs_allocate_through_jemalloc
        COMMAND bash "${CMAKE_CURRENT_LIST_DIR}/check-allocator.sh"
                $<TARGET_FILE:tf-syncd> $<TARGET_FILE:tf-gateway> $<TARGET_FILE:tfctl>)
    set_tests_properties(programs_allocate_through_jemalloc PROPERTIES TIMEOUT 60 LABELS "packaging")
endif()
