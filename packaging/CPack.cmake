# Debian package of the whole platform: terrafusion-syncservice_<version>_<arch>.deb.
# Included at the end of the top-level CMakeLists.txt, after every target exists:
#   include(packaging/CPack.cmake)
# Build it with: cmake --build --preset release --target package
# The programs install themselves (services/CMakeLists.txt, console/CMakeLists.txt); this
# file adds what only the package needs: systemd units, the service user, documentation.
include(GNUInstallDirs)

set(TF_PACKAGING_DIR "${CMAKE_CURRENT_LIST_DIR}")

# Units and sysusers live under /usr/lib on Debian 12 (merged /usr), not under LIBDIR.
install(FILES
        "${TF_PACKAGING_DIR}/systemd/tf-syncd.service"
        "${TF_PACKAGING_DIR}/systemd/tf-gateway.service"
    DESTINATION lib/systemd/system)
install(FILES "${TF_PACKAGING_DIR}/systemd/terrafusion.sysusers.conf"
    DESTINATION lib/sysusers.d
    RENAME terrafusion.conf)
install(FILES
        "${CMAKE_SOURCE_DIR}/README.md"
        "${CMAKE_SOURCE_DIR}/docs/operations.md"
        "${CMAKE_SOURCE_DIR}/docs/api-changelog.md"
    DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/terrafusion-syncservice")

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "terrafusion-syncservice")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "TerraFusion")
set(CPACK_PACKAGE_CONTACT "TerraFusion DevOps <devops@example.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Defines sync pairs between county assessment systems (PACS, CAMA, GIS, CSV), detects \
changes, transforms, validates and applies them without loss or duplication, and audits \
every step. Contains tf-gateway, tf-syncd, tfctl and the tf-console desktop console.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "database")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# dpkg-shlibdeps finds the linked libraries; the list below adds what Qt loads at run time
# (SQL drivers, platform plugins, SVG icons) and what the maintainer scripts use.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libqt6core6 (>= 6.4), libqt6network6 (>= 6.4), libqt6sql6 (>= 6.4), \
libqt6sql6-sqlite (>= 6.4), libqt6sql6-psql (>= 6.4), libqt6httpserver6 (>= 6.4), \
libqt6websockets6 (>= 6.4), libqt6gui6 (>= 6.4), libqt6widgets6 (>= 6.4), \
libqt6charts6 (>= 6.4), libqt6svg6 (>= 6.4), qt6-qpa-plugins (>= 6.4), libssl3, adduser")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql (>= 15)")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${TF_PACKAGING_DIR}/debian/postinst"
    "${TF_PACKAGING_DIR}/debian/prerm"
    "${TF_PACKAGING_DIR}/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
