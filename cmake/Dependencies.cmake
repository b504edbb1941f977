# Every third-party library comes from a Debian package listed in scripts/debian-packages.txt.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(simdjson REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(CURL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(pugixml REQUIRED)
# Howard Hinnant's date-tz over the system tzdata: IANA time zones (g++ 12 has no std::chrono::tzdb).
find_package(date REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)
# Debian's cpp-httplib is a compiled library; its .pc adds -DCPPHTTPLIB_OPENSSL_SUPPORT.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
# COIN-OR Clp (LP) and CBC (MIP) for the cost lower bounds and exact small packings.
pkg_check_modules(CLP REQUIRED IMPORTED_TARGET clp)
pkg_check_modules(CBC REQUIRED IMPORTED_TARGET cbc)
