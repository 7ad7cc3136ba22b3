# tf-console suites (picked up by the tests/*/tests.cmake glob in tests/CMakeLists.txt).
# They run with QT_QPA_PLATFORM=offscreen, so they need no display.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_statusmodel
        SOURCES console/tst_statusmodel.cpp
        LIBS tfconsolemodels Qt6::Widgets tfcore
        LABELS console)
endif()

# The REST client the console (and tfctl) use; it lives in tfcore, so no console needed.
tf_add_test(NAME tst_restclient
    SOURCES console/tst_restclient.cpp
    LIBS tfcore Qt6::Network
    LABELS console)

# The console's sign-in against a real tf-gateway (needs the console's models library).
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_session
        SOURCES console/tst_session.cpp
        LIBS tfconsolemodels tftestsupport tfcore
        LABELS console)
endif()

# The resource tables (sync pairs, operations, quarantine, alerts) and their CSV export: no window.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_resourcemodels
        SOURCES console/tst_resourcemodels.cpp
        LIBS tfconsolemodels
        LABELS console)
endif()

if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_csvexport
        SOURCES console/tst_csvexport.cpp
        LIBS tfconsolemodels
        LABELS console)
endif()

if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_resourcefiltermodel
        SOURCES console/tst_resourcefiltermodel.cpp
        LIBS tfconsolemodels
        LABELS console)
endif()

# The console's gateway client, change poller and permissions against a real tf-gateway.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_gatewayclient
        SOURCES console/tst_gatewayclient.cpp
        LIBS tfconsoleclient tftestsupport tfcore
        LABELS console)
    tf_add_test(NAME tst_changepoller
        SOURCES console/tst_changepoller.cpp
        LIBS tfconsoleclient tftestsupport tfcore
        LABELS console)
    tf_add_test(NAME tst_permissions
        SOURCES console/tst_permissions.cpp
        LIBS tfconsoleclient tftestsupport tfcore Qt6::Widgets
        LABELS console)
endif()

# The main window driven against a real tf-gateway; saves screenshots (light and dark) into
# <build>/console-screenshots/.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_mainwindow
        SOURCES console/tst_mainwindow.cpp
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console)
    tf_add_test(NAME tst_displaysettings
        SOURCES console/tst_displaysettings.cpp
        LIBS tfconsoleui Qt6::Widgets
        LABELS console)
endif()

# The Dashboard and Alerts pages against a real tf-gateway supervising tf-syncd (SQLite);
# screenshots (light and dark) into <build>/console-screenshots/.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_dashboardpage
        SOURCES console/tst_dashboardpage.cpp
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets Qt6::Charts
        LABELS console TIMEOUT 120)
    target_include_directories(tst_dashboardpage PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_dashboardpage tf-gateway tf-syncd)
    tf_add_test(NAME tst_alertspage
        SOURCES console/tst_alertspage.cpp
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 120)
    target_include_directories(tst_alertspage PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_alertspage tf-gateway tf-syncd)
endif()

# The Operations and Quarantine pages against a real tf-gateway supervising a real tf-syncd
# (the integration tests' GatewayProxyFixture); they save screenshots to <build>/console-screenshots/.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_operationspage
        SOURCES console/tst_operationspage.cpp console/operationspagefixture.h integration/tst_gatewayproxy_fixture.h
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 180)
    target_include_directories(tst_operationspage PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_operationspage tf-gateway tf-syncd)
    tf_add_test(NAME tst_quarantinepage
        SOURCES console/tst_quarantinepage.cpp integration/tst_gatewayproxy_fixture.h
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 180)
    target_include_directories(tst_quarantinepage PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_quarantinepage tf-gateway tf-syncd)
endif()

# The Sync pairs page and the pair editor against a real tf-gateway supervising tf-syncd;
# saves screenshots (light and dark) into <build>/console-screenshots/.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_syncpairspage
        SOURCES console/tst_syncpairspage.cpp
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 180)
    add_dependencies(tst_syncpairspage tf-gateway tf-syncd)
    target_include_directories(tst_syncpairspage PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
endif()

# The review of a held cdc schema change (dialog) against a wal_level=logical cluster the test
# starts and a real tf-gateway supervising tf-syncd; screenshots into <build>/console-screenshots/.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_schemachangedialog
        SOURCES console/tst_schemachangedialog.cpp
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 240)
    add_dependencies(tst_schemachangedialog tf-gateway tf-syncd)
    target_include_directories(tst_schemachangedialog PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
endif()

# The pair editor's validation rules, cursor, delete policy, depends_on, cron preview and
# Test pair against a real tf-gateway supervising tf-syncd; screenshots of the whole editor and
# of the preview (light and dark) into <build>/console-screenshots/.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_paireditor
        SOURCES console/tst_paireditor.cpp
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 180)
    add_dependencies(tst_paireditor tf-gateway tf-syncd)
    target_include_directories(tst_paireditor PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
endif()

# "Remember me" (the token in the system keychain) against a real tf-gateway. The same binary
# runs twice: under with-secret-service.sh (a private D-Bus session with a real, unlocked
# gnome-keyring Secret Service) and with no session bus (the checkbox is disabled, saying why).
if(TF_BUILD_CONSOLE AND TF_CONSOLE_KEYCHAIN)
    tf_add_test(NAME tst_rememberme
        SOURCES console/tst_rememberme.cpp
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 120)
    target_include_directories(tst_rememberme PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_rememberme tf-gateway)
    set_property(TEST tst_rememberme APPEND PROPERTY ENVIRONMENT
        "TF_EXPECT_KEYCHAIN=0;DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/tf-no-session-bus")
    add_test(NAME tst_rememberme_keychain
        COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/console/with-secret-service.sh $<TARGET_FILE:tst_rememberme>)
    set_tests_properties(tst_rememberme_keychain PROPERTIES
        TIMEOUT 120
        LABELS console
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;TF_BIN_DIR=${CMAKE_BINARY_DIR}/bin;TF_SOURCE_DIR=${CMAKE_SOURCE_DIR};TF_EXPECT_KEYCHAIN=1")
endif()

# The Settings and About dialogs against a real tf-gateway, and the client/server
# compatibility rule as a unit; screenshots (light and dark) into <build>/console-screenshots/.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_settingsdialog
        SOURCES console/tst_settingsdialog.cpp
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 120)
    target_include_directories(tst_settingsdialog PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_settingsdialog tf-gateway)
    tf_add_test(NAME tst_compatibility
        SOURCES console/tst_compatibility.cpp
        LIBS tfconsolemodels
        LABELS console)
endif()

# The Audit trail page and its lazily paged model against a real tf-gateway supervising
# tf-syncd; the page test saves screenshots (light and dark) into <build>/console-screenshots/.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_auditmodel
        SOURCES console/tst_auditmodel.cpp console/auditseed.h
        LIBS tfconsolemodels tftestsupport tfcore Qt6::Test
        LABELS console TIMEOUT 180)
    target_include_directories(tst_auditmodel PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_auditmodel tf-gateway tf-syncd)
    tf_add_test(NAME tst_auditpage
        SOURCES console/tst_auditpage.cpp console/auditseed.h
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 240)
    target_include_directories(tst_auditpage PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_auditpage tf-gateway tf-syncd)
endif()

# The Operations page's log view (tailing, search, next error, scroll lock, download) against a
# real tf-gateway and tf-syncd.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_operationlog
        SOURCES console/tst_operationlog.cpp console/operationspagefixture.h integration/tst_gatewayproxy_fixture.h
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 180)
    target_include_directories(tst_operationlog PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_operationlog tf-gateway tf-syncd)
endif()

# The gateway killed and restarted on the same port while the Sync Pairs page is open: the
# console reconnects by itself and keeps the page, selection and scroll position.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_gatewayoutage
        SOURCES console/tst_gatewayoutage.cpp integration/tst_gatewayproxy_fixture.h
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 120)
    target_include_directories(tst_gatewayoutage PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_gatewayoutage tf-gateway tf-syncd)
endif()

# The Users and Tokens page and its dialogs against a real tf-gateway supervising tf-syncd,
# including the forced password change after sign-in; screenshots (light and dark) into
# <build>/console-screenshots/.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_userspage
        SOURCES console/tst_userspage.cpp
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 180)
    target_include_directories(tst_userspage PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_userspage tf-gateway tf-syncd)
endif()

# The admin job follower against a real tf-gateway (killed and started again mid-follow),
# and the Backups page with its restore dialog against a real tf-gateway supervising tf-syncd;
# screenshots (light and dark) into <build>/console-screenshots/.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_jobfollower
        SOURCES console/tst_jobfollower.cpp
        LIBS tfconsoleclient tftestsupport tfcore
        LABELS console TIMEOUT 120)
    target_include_directories(tst_jobfollower PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_jobfollower tf-gateway)
    tf_add_test(NAME tst_backupspage
        SOURCES console/tst_backupspage.cpp console/adminpagefixture.h integration/tst_gatewayproxy_fixture.h
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 240)
    target_include_directories(tst_backupspage PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_backupspage tf-gateway tf-syncd)
endif()

# The Services page against a real tf-gateway supervising tf-syncd: restarts of tf-syncd and of
# the gateway itself, followed until they are back; screenshots into <build>/console-screenshots/.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_servicespage
        SOURCES console/tst_servicespage.cpp console/adminpagefixture.h integration/tst_gatewayproxy_fixture.h
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 240)
    target_include_directories(tst_servicespage PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_servicespage tf-gateway tf-syncd)
endif()

# The Maintenance page against a real tf-gateway supervising tf-syncd: windows in the chosen
# time zone, a weekly run started from the page and its rendered report; screenshots.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_maintenancepage
        SOURCES console/tst_maintenancepage.cpp console/adminpagefixture.h integration/tst_gatewayproxy_fixture.h
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 240)
    target_include_directories(tst_maintenancepage PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_maintenancepage tf-gateway tf-syncd)
endif()

# The Recovery plans page against a real tf-gateway supervising tf-syncd: create, read
# rendered, save the script; screenshots into <build>/console-screenshots/.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_recoveryplanspage
        SOURCES console/tst_recoveryplanspage.cpp console/adminpagefixture.h integration/tst_gatewayproxy_fixture.h
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 180)
    target_include_directories(tst_recoveryplanspage PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_recoveryplanspage tf-gateway tf-syncd)
endif()

# EventNotifier against a real tf-gateway supervising tf-syncd: failed operations and
# quarantine growth notify only while the window is hidden and their switch is on.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_eventnotifier
        SOURCES console/tst_eventnotifier.cpp integration/tst_gatewayproxy_fixture.h
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 180)
    target_include_directories(tst_eventnotifier PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_eventnotifier tf-gateway tf-syncd)
endif()

# The audit page's table view on a plain item model: appended rows repaint nothing on screen,
# rows changed above the screen do not move it (no gateway needed).
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_audittableview
        SOURCES console/tst_audittableview.cpp
        LIBS tfconsoleui Qt6::Widgets
        LABELS console TIMEOUT 60)
endif()

# The Services page's every-node test starts extra tf-syncd nodes with tst_nodes' NodeCluster.
if(TF_BUILD_CONSOLE)
    target_sources(tst_servicespage PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/integration/tst_nodes_cluster.cpp
                                            ${CMAKE_CURRENT_SOURCE_DIR}/integration/tst_nodes_cluster.h)
endif()

# The sync pairs table's Stream column (cdc pairs: lag, latency) and its screenshot.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_cdcstreamcolumn
        SOURCES console/tst_cdcstreamcolumn.cpp
        LIBS tfconsoleui Qt6::Widgets
        LABELS console)
endif()

# The Systems page, the system editor (every kind, write-only secrets, 422 on the field) and the
# pair editor's change_tracking cursor against a real tf-gateway supervising tf-syncd (SQLite);
# screenshots (light and dark) into <build>/console-screenshots/.
if(TF_BUILD_CONSOLE)
    tf_add_test(NAME tst_systemspage
        SOURCES console/tst_systemspage.cpp console/systemspagefixture.h console/adminpagefixture.h integration/tst_gatewayproxy_fixture.h
        LIBS tfconsoleui tftestsupport tfcore Qt6::Widgets
        LABELS console TIMEOUT 240)
    target_include_directories(tst_systemspage PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(tst_systemspage tf-gateway tf-syncd)
endif()
