# What the terrafusion-console package holds beyond tf-console (console/CMakeLists.txt):
# the desktop entry, hicolor icons (48, 128, scalable) and the AppStream metainfo, all
# named by the application id org.terrafusion.Console.
set(TF_APP_ID "org.terrafusion.Console")
set(TF_ICON_SVG "${TF_PACKAGING_DIR}/console/icons/${TF_APP_ID}.svg")

find_program(RSVG_CONVERT rsvg-convert REQUIRED)  # librsvg2-bin (scripts/install-deps.sh)
set(tf_icon_pngs)
foreach(size 48 128)
    set(png "${CMAKE_CURRENT_BINARY_DIR}/packaging/icons/${size}/${TF_APP_ID}.png")
    add_custom_command(
        OUTPUT "${png}"
        COMMAND "${CMAKE_COMMAND}" -E make_directory "${CMAKE_CURRENT_BINARY_DIR}/packaging/icons/${size}"
        COMMAND "${RSVG_CONVERT}" --width ${size} --height ${size} --output "${png}" "${TF_ICON_SVG}"
        DEPENDS "${TF_ICON_SVG}"
        COMMENT "Rendering the ${size}x${size} console icon"
        VERBATIM)
    list(APPEND tf_icon_pngs "${png}")
    install(FILES "${png}"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps"
        COMPONENT console)
endforeach()
add_custom_target(tf-console-icons ALL DEPENDS ${tf_icon_pngs})
install(FILES "${TF_ICON_SVG}"
    DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps"
    COMPONENT console)
install(FILES "${TF_PACKAGING_DIR}/console/${TF_APP_ID}.desktop"
    DESTINATION "${CMAKE_INSTALL_DATADIR}/applications"
    COMPONENT console)
configure_file("${TF_PACKAGING_DIR}/console/${TF_APP_ID}.metainfo.xml.in"
    "${CMAKE_CURRENT_BINARY_DIR}/packaging/${TF_APP_ID}.metainfo.xml" @ONLY)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/packaging/${TF_APP_ID}.metainfo.xml"
    DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo"
    COMPONENT console)
