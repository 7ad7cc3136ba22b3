# The in-memory fake system the sync engine's tests run against (no network).
target_sources(tftestsupport PRIVATE
    "${CMAKE_CURRENT_LIST_DIR}/fakeconnector.cpp" "${CMAKE_CURRENT_LIST_DIR}/fakeconnector.h"
    "${CMAKE_CURRENT_LIST_DIR}/memorystatestore.cpp" "${CMAKE_CURRENT_LIST_DIR}/memorystatestore.h"
    "${CMAKE_CURRENT_LIST_DIR}/toolrun.cpp" "${CMAKE_CURRENT_LIST_DIR}/toolrun.h")
# A throwaway MariaDB server (tests/support/mariadbserver.h).
target_sources(tftestsupport PRIVATE
    "${CMAKE_CURRENT_LIST_DIR}/mariadbserver.cpp" "${CMAKE_CURRENT_LIST_DIR}/mariadbserver.h")
# A throwaway OpenLDAP server (tests/support/slapdserver.h) for directory sign-in.
target_sources(tftestsupport PRIVATE
    "${CMAKE_CURRENT_LIST_DIR}/slapdserver.cpp" "${CMAKE_CURRENT_LIST_DIR}/slapdserver.h")
