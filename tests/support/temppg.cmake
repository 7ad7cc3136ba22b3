# A private PostgreSQL cluster a test can stop and start (tests/support/temporarypostgres.h).
target_sources(tftestsupport PRIVATE
    "${CMAKE_CURRENT_LIST_DIR}/temporarypostgres.cpp" "${CMAKE_CURRENT_LIST_DIR}/temporarypostgres.h")
