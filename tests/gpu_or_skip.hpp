#pragma once
// How the gpu suite gets its GPU: a headless GPU backend, or a loud message saying why there is none.
// Without one every GPU test fails unless ATTNLAB_ALLOW_NO_GPU=1 says that is expected, so a machine
// without Mesa's EGL and llvmpipe can never pass the suite by skipping all of it.
#include <doctest/doctest.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string_view>

#include "core/gl/gl_backend.hpp"

namespace attnlab::test {

inline std::unique_ptr<gl::GlBackend> gpu_or_skip() {
  try {
    return gl::GlBackend::headless();
  } catch (const RunError& e) {
    const char* allow = std::getenv("ATTNLAB_ALLOW_NO_GPU");
    const bool allowed = allow && std::string_view(allow) == "1";
    std::cerr << "\n*** GPU TEST SKIPPED: " << e.what() << "\n*** "
              << (allowed ? "ATTNLAB_ALLOW_NO_GPU=1 allows this"
                          : "install libegl1 libegl-mesa0 libgl1-mesa-dri libopengl0, or set ATTNLAB_ALLOW_NO_GPU=1")
              << "\n";
    if (!allowed) FAIL_CHECK("no GPU backend: " << e.what());
    return nullptr;
  }
}

}  // namespace attnlab::test
