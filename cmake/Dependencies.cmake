# Every dependency comes from a Debian -dev package; nothing is downloaded.
find_package(PkgConfig REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tl-expected REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(GMIME REQUIRED IMPORTED_TARGET gmime-3.0)
# RE2: linear-time matching for patterns that anyone may write into a project file.
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
# Password hashing (argon2id), random tokens and their hashes.
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
find_package(LibLZMA REQUIRED)
# The server: Beast, Asio and URL are header-only in Debian's libboost1.81-dev
# (Boost.URL's compiled part is src/server/boost_url.cc); ETags are SHA-256
# digests from OpenSSL's libcrypto.
find_package(Boost 1.81 REQUIRED)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
find_package(ZLIB REQUIRED)

# SOCI ships neither a CMake config nor a pkg-config file on Debian.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE_LIBRARY soci_core REQUIRED)
find_library(SOCI_SQLITE3_LIBRARY soci_sqlite3 REQUIRED)
add_library(soci_core INTERFACE)
target_include_directories(soci_core SYSTEM INTERFACE "${SOCI_INCLUDE_DIR}")
target_link_libraries(soci_core INTERFACE "${SOCI_CORE_LIBRARY}" ${CMAKE_DL_LIBS})
add_library(soci_sqlite3 INTERFACE)
target_link_libraries(soci_sqlite3 INTERFACE "${SOCI_SQLITE3_LIBRARY}" soci_core SQLite::SQLite3)
if(STOCKTAKE_WITH_POSTGRES)
  find_package(PostgreSQL REQUIRED)
  find_library(SOCI_POSTGRESQL_LIBRARY soci_postgresql REQUIRED)
  add_library(soci_postgresql INTERFACE)
  target_link_libraries(soci_postgresql INTERFACE "${SOCI_POSTGRESQL_LIBRARY}" soci_core
                                                  PostgreSQL::PostgreSQL)
endif()

if(STOCKTAKE_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(STOCKTAKE_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
