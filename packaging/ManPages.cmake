# Man pages generated at build time from each program's --help and --version (help2man),
# plus the FILES / ENVIRONMENT / SEE ALSO sections in packaging/man/*.h2m.
find_program(HELP2MAN help2man REQUIRED)  # help2man (scripts/install-deps.sh)

set(tf_man_pages)
function(tf_man_page program component summary)
    set(page "${CMAKE_CURRENT_BINARY_DIR}/packaging/man/${program}.1")
    set(include_file "${TF_PACKAGING_DIR}/man/${component}.h2m")
    add_custom_command(
        OUTPUT "${page}.gz"
        COMMAND "${CMAKE_COMMAND}" -E make_directory "${CMAKE_CURRENT_BINARY_DIR}/packaging/man"
        # A throwaway HOME and no display: --help must not touch the builder's data.
        COMMAND "${CMAKE_COMMAND}" -E env HOME=${CMAKE_CURRENT_BINARY_DIR}/packaging/man
                QT_QPA_PLATFORM=offscreen TF_DATA_DIR=${CMAKE_CURRENT_BINARY_DIR}/packaging/man/data
                "${HELP2MAN}" --no-info --no-discard-stderr --section=1
                --name=${summary} --include=${include_file}
                --output=${page} "$<TARGET_FILE:${program}>"
        COMMAND gzip -9nf "${page}"
        DEPENDS ${program} "${include_file}"
        COMMENT "Generating the ${program}(1) man page"
        VERBATIM)
    set(tf_man_pages ${tf_man_pages} "${page}.gz" PARENT_SCOPE)
    install(FILES "${page}.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1" COMPONENT ${component})
endfunction()

tf_man_page(tf-gateway server "REST gateway of TerraFusion SyncService")
tf_man_page(tf-syncd server "sync engine of TerraFusion SyncService")
tf_man_page(tfctl server "operator tool of TerraFusion SyncService")
if(TF_BUILD_CONSOLE)
    tf_man_page(tf-console console "desktop console of TerraFusion SyncService")
endif()
add_custom_target(tf-man-pages ALL DEPENDS ${tf_man_pages})
