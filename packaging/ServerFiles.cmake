# What the terrafusion-server package holds beyond the programs (services/CMakeLists.txt).
# Absolute destinations: /etc and /lib are outside the /usr prefix.

# systemd units and the service user. Debian 12 ships units under /lib (merged /usr is not
# yet assumed by dpkg), which is where lintian expects them.
install(FILES
        "${TF_PACKAGING_DIR}/systemd/tf-syncd.service"
        "${TF_PACKAGING_DIR}/systemd/tf-gateway.service"
    DESTINATION /lib/systemd/system
    COMPONENT server)
install(FILES "${TF_PACKAGING_DIR}/systemd/terrafusion.sysusers.conf"
    DESTINATION /usr/lib/sysusers.d
    RENAME terrafusion.conf
    COMPONENT server)

# Conffiles (listed in debian/server/conffiles): the INI is the example with every setting
# commented out, so the defaults apply until an administrator changes one.
set(TF_PACKAGED_INI "${CMAKE_CURRENT_BINARY_DIR}/packaging/terrafusion.ini")
add_custom_command(
    OUTPUT "${TF_PACKAGED_INI}"
    COMMAND "${CMAKE_COMMAND}"
            -DINPUT=${CMAKE_SOURCE_DIR}/resources/config/terrafusion.example.ini
            -DOUTPUT=${TF_PACKAGED_INI}
            -P "${TF_PACKAGING_DIR}/config/CommentIni.cmake"
    DEPENDS "${CMAKE_SOURCE_DIR}/resources/config/terrafusion.example.ini"
            "${TF_PACKAGING_DIR}/config/CommentIni.cmake"
    COMMENT "Generating the packaged terrafusion.ini"
    VERBATIM)
add_custom_target(tf-packaged-ini ALL DEPENDS "${TF_PACKAGED_INI}")
install(FILES "${TF_PACKAGED_INI}" DESTINATION /etc/terrafusion COMPONENT server)
install(FILES "${TF_PACKAGING_DIR}/config/terrafusion.default"
    DESTINATION /etc/default
    RENAME terrafusion
    COMPONENT server)

install(FILES "${TF_PACKAGING_DIR}/completion/tfctl"
    DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions"
    COMPONENT server)

install(FILES
        "${CMAKE_SOURCE_DIR}/README.md"
        "${CMAKE_SOURCE_DIR}/docs/operations.md"
        "${CMAKE_SOURCE_DIR}/docs/sync-engine.md"
        "${CMAKE_SOURCE_DIR}/docs/API_CHANGELOG.md"
        "${TF_PACKAGING_DIR}/README.md"
    DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/terrafusion-server"
    COMPONENT server)
