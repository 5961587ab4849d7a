// The FlashAttention stepper's walk: tile by tile through the output-only mode's own step, it
// ends where the standard path ends, and each tile does what the running-max algebra says.
#include <doctest/doctest.h>

#include <cmath>

#include "core/attention/cpu_backend.hpp"
#include "core/attention/tile_walk.hpp"
#include "tests/check.hpp"

using namespace attnlab;
using namespace attnlab::test;

TEST_SUITE_BEGIN("attention/tiles");

TEST_CASE("walking the tiles ends at the standard path's output, for every mask kind and tile size") {
  for (const char* spec : {"none", "causal", "causal-bottom-right", "window:3", "padding:5"}) {
    Problem p = random_problem(6, 11, 5, 4, 8);
    p.mask = parse_mask(spec);
    CpuBackend cpu;
    Trace full;
    cpu.compute(p, full);
    for (Index tile : {1, 3, 7, 11, 50}) {
      for (Index query = 0; query < p.lq(); ++query) {
        INFO(spec << " tile " << tile << " query " << query);
        const TileWalk walk = walk_tiles(p, query, tile, &full);
        CHECK(walk.steps.size() == static_cast<std::size_t>((p.lk() + tile - 1) / tile));
        CHECK(walk.difference <= 1e-5f);
        for (Index d = 0; d < p.dv(); ++d)
          CHECK(walk.output(d) == doctest::Approx(full.output(query, d)).epsilon(1e-5).scale(1e-5));
      }
    }
  }
}

TEST_CASE("each tile: m only grows, ℓ is rescaled by exp(m_old − m_new), and ends at Σ exp(x − max)") {
  Problem p = random_problem(3, 13, 4, 2, 21, 2.0f);
  p.scale = parse_scale("none");
  CpuBackend cpu;
  Trace full;
  cpu.compute(p, full);
  const Index query = 1;
  const TileWalk walk = walk_tiles(p, query, 4, &full);
  for (std::size_t k = 0; k < walk.steps.size(); ++k) {
    const TileStep& s = walk.steps[k];
    INFO("tile " << k);
    CHECK(s.max_after == std::max(s.max_before, s.tile_max));
    if (k > 0 && s.tile_max > s.max_before)
      CHECK(s.rescale == doctest::Approx(std::exp(double(s.max_before) - s.max_after)));
    else if (k > 0) CHECK(s.rescale == 1.0f);
  }
  const double row_max = full.masked.row(query).maxCoeff();
  double sum = 0;
  for (Index j = 0; j < p.lk(); ++j) sum += std::exp(double(full.masked(query, j)) - row_max);
  CHECK(walk.steps.back().max_after == doctest::Approx(row_max));
  CHECK(walk.steps.back().sum_after == doctest::Approx(sum).epsilon(1e-5));
}

TEST_CASE("the memory readout: four Lq×Lk stages against a tile per block of queries") {
  const MemoryReadout big = memory_readout(32768, 32768, 256, 2);
  CHECK(big.standard == 16ull << 30);
  CHECK(big.tiled == 3ull * 4 * 128 * 256 * 2);
  CHECK(memory_readout(10, 10, 256, 2).tiled == 3ull * 4 * 128 * 10 * 2);
  CHECK_THROWS_AS(walk_tiles(random_problem(2, 2, 2, 2, 1), 0, 0), InputError);
}

TEST_SUITE_END();
