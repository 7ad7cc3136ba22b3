# The files Debian policy wants in every package's /usr/share/doc/<package>/: a
# machine-readable copyright file and the changelog (changelog.gz for a native version),
# compressed with gzip -9n so that builds are reproducible.
configure_file("${TF_PACKAGING_DIR}/debian/changelog.in"
    "${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog" @ONLY)
add_custom_command(
    OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog.gz"
    COMMAND gzip -9nc "${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog"
            > "${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog.gz"
    DEPENDS "${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog"
    COMMENT "Compressing the Debian changelog")
add_custom_target(tf-debian-changelog ALL DEPENDS "${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog.gz")

foreach(component server console)
    if(component STREQUAL "console" AND NOT TF_BUILD_CONSOLE)
        continue()
    endif()
    install(FILES
            "${TF_PACKAGING_DIR}/debian/copyright"
            "${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog.gz"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/terrafusion-${component}"
        COMPONENT ${component})
endforeach()
