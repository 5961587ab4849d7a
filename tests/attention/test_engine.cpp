// The CPU engine against the float64 reference: every stage, every mask kind, awkward shapes.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "core/attention/backend.hpp"
#include "core/attention/cpu_backend.hpp"
#include "core/attention/engine.hpp"
#include "core/attention/memory.hpp"
#include "tests/trace_checks.hpp"

using namespace attnlab;
using namespace attnlab::test;

TEST_SUITE_BEGIN("attention/engine");

namespace {

Trace compute(const Problem& p) {
  CpuBackend cpu;
  return compute_on(cpu, p);
}

Trace compute_output_only(const Problem& p) {
  CpuBackend cpu;
  return output_only_on(cpu, p);
}

}  // namespace

TEST_CASE("every stage matches the float64 reference for every shape and mask kind") {
  for_each_structural_case([](const Problem& p, const std::string& what) {
    const Trace t = compute(p);
    check_trace(p, t, what);
    check_same_output_and_stats(compute_output_only(p), t, what);
  });
}

TEST_CASE("matrix masks: bool and float, with fully masked rows") {
  for_each_matrix_case([](const Problem& p, const std::string& what) {
    const Trace t = compute(p);
    check_trace(p, t, what);
    check_same_output_and_stats(compute_output_only(p), t, what);
  });
}

TEST_CASE("a float mask of float32's lowest masks: not refused, zero weights, a lowest row is uniform") {
  Problem p = random_problem(9, 13, 16, 8, 5);
  MaskSpec mask = lowest_mask(9, 13);
  mask.additive.row(4).setConstant(std::numeric_limits<float>::lowest());
  p.mask = mask;
  CHECK_NOTHROW(validate(p));
  for (const Trace& t : {compute(p), compute_output_only(p)}) {
    for (Index i = 0; i < 9; ++i)
      for (Index j = 0; j < 13; ++j) {
        const bool lowest = p.mask.additive(i, j) == std::numeric_limits<float>::lowest();
        if (t.full && lowest) CHECK(t.masked(i, j) == std::numeric_limits<float>::lowest());
        if (t.full && lowest && i != 4) CHECK(t.weights(i, j) == doctest::Approx(0).epsilon(1e-30));
        if (t.full && i == 4) CHECK(t.weights(i, j) == doctest::Approx(1.0 / 13));
      }
    for (const RowStats& s : t.stats) CHECK(std::isfinite(s.entropy));
    CHECK(t.output.allFinite());
  }
  // A large positive mask value is what could overflow: the message blames the mask, not Q and K.
  p.mask.additive(2, 3) = 3.4e38f;
  CHECK_THROWS_WITH_AS(validate(p), doctest::Contains("mask file test: its largest value"), InputError);
}

TEST_CASE("a key tile wider than the keys takes the keys: nothing allocated for the rest, same output") {
  const Problem p = random_problem(300, 20, 8, 4, 3);
  CpuBackend cpu;
  cpu.set_key_tile(Index{1} << 40);
  Trace t;
  cpu.compute_output_only(p, t);
  check_same_output_and_stats(t, compute(p), "a tile of 2^40 keys");
}

TEST_CASE("scales: sqrt, none, a number, a negative number, and a temperature") {
  for_each_scale_case([](const Problem& p, const std::string& what) { check_trace(p, compute(p), what); });
}

TEST_CASE("fully masked rows give zero weights and zero output, never NaN") {
  const Problem p = fully_masked_problem();
  for (const Trace& t : {compute(p), compute_output_only(p)}) check_fully_masked_rows(t);
}

TEST_CASE("huge unscaled scores do not overflow exp") {
  const Problem p = huge_scores_problem();
  const Trace t = compute(p);
  check_huge_scores(p, t, "huge scores");
  check_same_output_and_stats(compute_output_only(p), t, "huge scores");
}

TEST_CASE("output-only mode over many tiles equals the full trace") {
  for (const Shape& s : {Shape{1000, 1500, 64, 64}, Shape{129, 1025, 33, 7}, Shape{5, 2000, 8, 8}}) {
    for (const char* spec : {"none", "causal", "causal-bottom-right", "window:300", "padding:700"}) {
      Problem p = random_problem(s.lq, s.lk, s.dk, s.dv, 21);
      p.mask = parse_mask(spec);
      check_same_output_and_stats(compute_output_only(p), compute(p),
                                  std::to_string(s.lq) + "×" + std::to_string(s.lk) + " " + spec);
    }
  }
}

TEST_CASE("a recompute reuses the buffers and gives the same trace as a fresh compute") {
  Problem p = random_problem(70, 90, 12, 5, 3);
  CpuBackend cpu;
  Trace t;
  cpu.compute(p, t);
  const float* weights_buffer = t.weights.data();
  p.scale = parse_scale("0.7");
  p.mask = parse_mask("window:4");
  cpu.recompute_from_scores(p, t);
  CHECK(t.weights.data() == weights_buffer);
  const Trace fresh = compute(p);
  CHECK(t.weights == fresh.weights);
  CHECK(t.output == fresh.output);
  // A mask change keeps the scaled stage too.
  p.mask = parse_mask("causal-bottom-right");
  cpu.recompute_from_scaled(p, t);
  const Trace fresh_mask = compute(p);
  CHECK(t.scaled == fresh_mask.scaled);
  CHECK(t.masked == fresh_mask.masked);
  CHECK(t.weights == fresh_mask.weights);
  CHECK(t.output == fresh_mask.output);
  for (std::size_t i = 0; i < t.stats.size(); ++i) CHECK(t.stats[i].entropy == fresh_mask.stats[i].entropy);
}

TEST_CASE("the engine recomputes only what a change makes stale and keeps its data on a bad change") {
  Engine engine(std::make_unique<CpuBackend>());
  const Problem p = check_engine_changes(engine, "CPU");

  const Matrix weights = engine.trace().weights;
  CHECK_THROWS_AS(engine.set_mask(parse_mask("padding:41")), InputError);
  CHECK_THROWS_AS(engine.set_temperature(0), InputError);
  CHECK_THROWS_AS(engine.set_temperature(std::numeric_limits<double>::quiet_NaN()), InputError);
  Problem bad = p;
  bad.k.conservativeResize(40, 9);
  CHECK_THROWS_AS(engine.set_problem(bad), InputError);
  CHECK(engine.problem().mask.text() == "causal");
  CHECK(engine.problem().temperature == 2.0);
  CHECK(engine.problem().k.cols() == 8);
  CHECK(engine.trace().weights == weights);
}

TEST_CASE("a full trace that would not fit in memory is refused up front with the estimate") {
  CHECK(full_trace_bytes(2048, 2048, 128, 128) == 4u * (3 * 2048 * 128 + 4 * 2048 * 2048 + 2048 * 128));
  try {
    check_full_trace_fits(1 << 20, 1 << 20, 64, 64);
    FAIL("a 1M × 1M trace was accepted");
  } catch (const InputError& e) {
    const std::string message = e.what();
    CHECK(message.find("16.0 TiB") != std::string::npos);
    CHECK(message.find("output-only") != std::string::npos);
  }
  CHECK_NOTHROW(check_full_trace_fits(256, 256, 64, 64));
}

TEST_CASE("inputs that would overflow float32 are refused, not turned into NaN") {
  Problem p = random_problem(4, 4, 4, 4, 1);
  p.q *= 1e19f;
  p.k *= 1e19f;
  CHECK_THROWS_AS(validate(p), InputError);
}

TEST_SUITE_END();
