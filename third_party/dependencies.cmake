# System libraries from Debian 12 packages; nothing is downloaded at build time.
find_package(Eigen3 3.4 REQUIRED NO_MODULE)   # libeigen3-dev: Eigen3::Eigen
find_package(OpenMP REQUIRED)                 # both cores for the CPU engine
find_package(CLI11 REQUIRED)                  # libcli11-dev: CLI11::CLI11
find_package(nlohmann_json 3 REQUIRED)        # nlohmann-json3-dev
find_package(doctest REQUIRED)                # doctest-dev: doctest::doctest
find_package(PkgConfig REQUIRED)              # pkg-config
pkg_check_modules(EPOXY REQUIRED IMPORTED_TARGET epoxy)  # libepoxy-dev: GL and EGL entry points
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)  # libpcre2-dev: the tokenizers' split regexes
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)  # libutf8proc-dev: NFC and character classes
find_package(CURL REQUIRED)                   # libcurl4-openssl-dev: the Hub's downloads (core/hub)
find_package(OpenSSL REQUIRED)                # libssl-dev: SHA-256 through EVP (core/hub)
include(${CMAKE_CURRENT_LIST_DIR}/imgui_backends.cmake)   # libimgui-dev, libglfw3-dev
