# `cmake --install build --prefix P`: the binary in P/bin, its man page in
# P/share/man/man1 and its bash completion where bash-completion looks for it
# (P/share/bash-completion/completions/stocktake). Nothing else is installed:
# libstocktake is not a public library yet.
include(GNUInstallDirs)

install(TARGETS stocktake RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")

# The man page carries the version CMake knows.
configure_file("${PROJECT_SOURCE_DIR}/docs/stocktake.1" "${PROJECT_BINARY_DIR}/stocktake.1" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/stocktake.1" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")

install(FILES "${PROJECT_SOURCE_DIR}/completion/stocktake.bash"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions"
        RENAME stocktake)
