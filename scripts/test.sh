#!/usr/bin/env bash
# Set up, build, and run the whole test suite: every CTest test of the release build (one per doctest
# suite, see tests/CMakeLists.txt; the web page's suites web/… in Chromium, after scripts/web.sh builds
# it), then the engine, file, model, Hub, tokenizer-file and command-line suites again under ASan + UBSan.
# Arguments go to the release run's ctest (e.g. -R attention/); with arguments the sanitizer run is left out.
source "$(dirname "$0")/setup.sh"
need_packages "${build_packages[@]}" "${run_packages[@]}" "${test_packages[@]}"
need_tokenizer_references
# The web page and what its browser tests need (tests/web); ATTNLAB_SKIP_WEB=1 leaves them out.
if [[ "${ATTNLAB_SKIP_WEB:-}" != 1 ]]; then
  need_packages "${web_packages[@]}"
  need_web_driver
  "$repo_root/scripts/web.sh" build
fi
configure release -DATTNLAB_TESTS=ON
cmake --build --preset release
(cd "$repo_root" && ctest --preset release "$@")
if (($# == 0)); then
  configure asan
  cmake --build --preset asan
  (cd "$repo_root" && ctest --preset asan)
fi
