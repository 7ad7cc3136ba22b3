# Two Debian packages, each for its own machine (CPack DEB, component packaging):
#   terrafusion-server   tf-gateway, tf-syncd, tfctl, systemd units, the service user,
#                        /etc/terrafusion/terrafusion.ini and /etc/default/terrafusion
#                        (conffiles), man pages, bash completion, docs;
#   terrafusion-console  tf-console, its desktop entry, icons and AppStream metainfo.
# Included at the end of the top-level CMakeLists.txt, after every target exists.
# Build both with:  cmake --build --preset release --target package
# packaging/README.md says what each file is for, the lintian result and the unit scores;
# packaging/test-install.sh installs, upgrades and purges them for real.
include(GNUInstallDirs)

set(TF_PACKAGING_DIR "${CMAKE_CURRENT_LIST_DIR}")
# The package version follows project(VERSION); the install test overrides it at cpack time
# (cpack -R) to build an upgrade of the same binaries.
set(TF_PACKAGE_VERSION "${PROJECT_VERSION}")
# The date of this version's changelog entry and AppStream release; change both with the version.
set(TF_RELEASE_DATE "2026-12-03")
set(TF_RELEASE_DATE_RFC2822 "Thu, 03 Dec 2026 06:00:00 +0000")

include("${TF_PACKAGING_DIR}/ServerFiles.cmake")
if(TF_BUILD_CONSOLE)
    include("${TF_PACKAGING_DIR}/ConsoleFiles.cmake")
endif()
include("${TF_PACKAGING_DIR}/ManPages.cmake")
include("${TF_PACKAGING_DIR}/DebianDocs.cmake")

set(CPACK_GENERATOR "DEB")
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING IGNORE)
set(CPACK_COMPONENTS_ALL server)
if(TF_BUILD_CONSOLE)
    list(APPEND CPACK_COMPONENTS_ALL console)
endif()

set(CPACK_PACKAGE_NAME "terrafusion")
set(CPACK_PACKAGE_VERSION "${TF_PACKAGE_VERSION}")
set(CPACK_PACKAGE_VENDOR "TerraFusion")
set(CPACK_PACKAGE_CONTACT "TerraFusion DevOps <devops@example.com>")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
# Folders in the package are 0755 whatever the builder's umask.
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Descriptions: a synopsis and an extended text of lines under 80 columns (lintian). Each
# component's first line is its synopsis; an empty project-wide summary keeps CPack from
# putting the project description in front of it.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME "terrafusion-server")
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION "database")
set(CPACK_DEBIAN_SERVER_DESCRIPTION "TerraFusion SyncService: gateway, sync engine and operator tool
Defines sync pairs between county assessment systems (PACS, CAMA, GIS,
CSV), detects changes, transforms, validates and applies them without
loss or duplication, and audits every step.
.
This package holds the server side: the tf-gateway REST gateway, the
tf-syncd sync engine, the tfctl operator tool and their systemd units.
The administrators' desktop console is in terrafusion-console.")
# dpkg-shlibdeps finds the linked libraries; these are what Qt loads at run time (the SQL
# drivers) and what the maintainer scripts call. No GUI, X11 or GL library: a server needs none.
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS
    "libqt6sql6-sqlite (>= 6.4), libqt6sql6-psql (>= 6.4), libqt6sql6-mysql (>= 6.4), libqt6sql6-odbc (>= 6.4), unixodbc, adduser")
# The ODBC drivers a county's systems need (kind: odbc, sqlserver): recommended, not required.
set(CPACK_DEBIAN_SERVER_PACKAGE_RECOMMENDS "tdsodbc, odbc-postgresql")
set(CPACK_DEBIAN_SERVER_PACKAGE_SUGGESTS "postgresql (>= 15), terrafusion-console")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    "${TF_PACKAGING_DIR}/debian/server/conffiles"
    "${TF_PACKAGING_DIR}/debian/server/postinst"
    "${TF_PACKAGING_DIR}/debian/server/prerm"
    "${TF_PACKAGING_DIR}/debian/server/postrm")

set(CPACK_DEBIAN_CONSOLE_PACKAGE_NAME "terrafusion-console")
set(CPACK_DEBIAN_CONSOLE_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_CONSOLE_DESCRIPTION "TerraFusion SyncService desktop console
Watches and steers a TerraFusion SyncService installation through its
REST gateway: service status, sync pairs, operations, metrics and the
audit trail.
.
This package is for an administrator's workstation. It holds only the
tf-console program; the services are in terrafusion-server.")
# The platform plugins (xcb, offscreen) and the SVG icon engine that draws the console's own
# icons (console/icons) are loaded at run time, so dpkg-shlibdeps cannot see them; nor libsecret,
# which QtKeychain (found by dpkg-shlibdeps: libqt6keychain1) loads at run time to reach the
# Secret Service for "Remember me". A keychain service (gnome-keyring, KWallet) is the desktop's
# own; without one the console works and only "Remember me" is disabled.
set(CPACK_DEBIAN_CONSOLE_PACKAGE_DEPENDS "qt6-qpa-plugins (>= 6.4), libqt6svg6 (>= 6.4)")
if(TF_CONSOLE_KEYCHAIN)
    string(APPEND CPACK_DEBIAN_CONSOLE_PACKAGE_DEPENDS ", libsecret-1-0")
endif()
set(CPACK_DEBIAN_CONSOLE_PACKAGE_RECOMMENDS "hicolor-icon-theme")
if(TF_CONSOLE_KEYCHAIN)
    set(CPACK_DEBIAN_CONSOLE_PACKAGE_SUGGESTS "gnome-keyring | kwalletmanager")
endif()

include(CPack)
