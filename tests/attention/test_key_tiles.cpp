// The output-only mode with any key tile size equals the full trace: tiles of one key, tiles that
// do not divide L, tiles larger than L, for every mask kind.
#include <doctest/doctest.h>

#include "core/attention/cpu_backend.hpp"
#include "tests/trace_checks.hpp"

using namespace attnlab;
using namespace attnlab::test;

TEST_SUITE_BEGIN("attention/key_tiles");

TEST_CASE("output-only mode: every key tile size gives the full trace's output") {
  for (const Shape& s : {Shape{130, 257, 16, 9}, Shape{7, 5, 3, 2}}) {
    std::vector<MaskSpec> kinds;
    for (const char* spec : masks) kinds.push_back(parse_mask(spec));
    kinds.push_back(checker_mask(s.lq, s.lk));
    kinds.push_back(float_mask(s.lq, s.lk));
    for (const MaskSpec& mask : kinds) {
      Problem p = random_problem(s.lq, s.lk, s.dk, s.dv, 8);
      p.mask = mask;
      CpuBackend full;
      const Trace expected = compute_on(full, p);
      for (Index tile : {Index{1}, Index{7}, Index{64}, s.lk + 3}) {
        CpuBackend tiled;
        tiled.set_key_tile(tile);
        check_same_output_and_stats(output_only_on(tiled, p), expected,
                                    shape_name(s) + " " + mask.text() + " tile " + std::to_string(tile));
      }
    }
  }
}

TEST_CASE("a key tile below 1 is refused") {
  CpuBackend cpu;
  CHECK_THROWS_AS(cpu.set_key_tile(0), InputError);
  CHECK(cpu.key_tile() == CpuBackend::default_key_tile);
}

TEST_SUITE_END();
