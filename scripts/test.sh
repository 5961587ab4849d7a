#!/usr/bin/env bash
# Set up, build, and run the whole test suite (CTest: one test per suite, see tests/CMakeLists.txt).
source "$(dirname "$0")/setup.sh"
need_packages "${build_packages[@]}" "${run_packages[@]}" "${test_packages[@]}"
configure -DATTNLAB_TESTS=ON
cmake --build "$build_dir" -j 2
cd "$build_dir"
ctest --output-on-failure "$@"
