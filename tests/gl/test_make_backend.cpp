// Backends picked by name, with no GPU needed: "cpu" always, "auto" saying why whenever it falls back.
#include <doctest/doctest.h>

#include <string>

#include "core/gl/make_backend.hpp"

using namespace attnlab;

TEST_SUITE_BEGIN("gl/make_backend");

TEST_CASE("backends are picked by name") {
  CHECK(make_backend("cpu").backend->name() == "cpu");
  CHECK(make_backend("cpu").fallback_reason.empty());
  // "auto" says why whenever it falls back (the gpu suite tests the GPU side).
  const BackendChoice automatic = make_backend("auto");
  CHECK(automatic.fallback_reason.empty() == (automatic.backend->name() == "gpu"));
  // No hardware GPU is a choice of the CPU, with its reason, never a GPU.
  if (automatic.no_gpu) CHECK((automatic.backend->name() == "cpu" && !automatic.fallback_reason.empty()));
  CHECK_FALSE(make_backend("cpu").no_gpu);
  try {
    make_backend("metal");
    FAIL("an unknown backend was accepted");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("auto, cpu, gpu") != std::string::npos);
  }
}

TEST_SUITE_END();
