// The CPU engine against the float64 reference: every stage, every mask kind, awkward shapes.
#include <doctest/doctest.h>

#include <limits>

#include "core/backend.hpp"
#include "core/cpu_backend.hpp"
#include "core/engine.hpp"
#include "core/memory.hpp"
#include "tests/check.hpp"

using namespace attnlab;
using namespace attnlab::test;

namespace {

struct Shape {
  long lq, lk, dk, dv;
};
// Lq ≠ Lk, dk = 1 and 512, and sizes that are no multiple of any block or tile (64, 128, 256).
const Shape shapes[] = {{1, 1, 1, 1}, {3, 5, 1, 2}, {7, 300, 17, 5}, {130, 257, 64, 33}, {65, 129, 512, 8},
                        {300, 70, 3, 40}};
const char* masks[] = {"none", "causal", "causal-bottom-right", "window:1", "window:5", "padding:1", "padding:3"};

// A bool mask with a pattern no structural mask has, one row fully closed.
MaskSpec checker_mask(long lq, long lk) {
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> allowed(lq, lk);
  for (long i = 0; i < lq; ++i)
    for (long j = 0; j < lk; ++j) allowed(i, j) = (i + 2 * j) % 3 != 0 && i != lq / 2;
  return bool_mask(allowed);
}

// A float mask: finite penalties, some -inf, one row fully -inf.
MaskSpec float_mask(long lq, long lk) {
  MaskSpec m;
  m.kind = MaskSpec::Kind::matrix;
  m.source = "test";
  m.additive = Matrix(lq, lk);
  for (long i = 0; i < lq; ++i)
    for (long j = 0; j < lk; ++j)
      m.additive(i, j) = (i == lq - 1 || (i * 7 + j) % 5 == 0) ? -std::numeric_limits<float>::infinity()
                                                                : -0.25f * float((i + j) % 4);
  return m;
}

// Every stage against the reference computed from the engine's own previous stage (tight), and
// the whole chain against the reference from the inputs (atol = rtol = 1e-5 on the weights).
void check_trace(const Problem& p, const Trace& t, const std::string& what) {
  const RefTrace end_to_end = reference(p);
  // Q·Kᵀ in float32: a dot product's rounding error is bounded by about √dk·ε·Σ|q_d k_d|.
  const MatD bound = to_double(p.q).cwiseAbs() * to_double(p.k).cwiseAbs().transpose();
  const double eps = std::numeric_limits<float>::epsilon();
  const double worst = ((to_double(t.scores) - end_to_end.scores).array().abs() /
                        (2 * eps * std::sqrt(double(p.dk())) * (1 + bound.array()))).maxCoeff();
  CHECK_MESSAGE(worst <= 1, what << " scores: " << worst << "× the rounding bound");
  check_close(t.scaled, double(p.effective_scale()) * to_double(t.scores), 1e-6, 1e-6, what + " scaled");
  MatD masked = to_double(t.scaled);
  for (long i = 0; i < p.lq(); ++i)
    for (long j = 0; j < p.lk(); ++j) masked(i, j) += ref_mask(p, i, j);
  check_close(t.masked, masked, 1e-6, 1e-6, what + " masked");
  const RefTrace soft = ref_softmax(to_double(t.masked), to_double(t.scaled));
  check_close(t.weights, soft.weights, 1e-6, 1e-5, what + " weights from masked");
  check_close(t.output, to_double(t.weights) * to_double(p.v), 1e-5, 1e-5, what + " output from weights");
  check_close(t.weights, end_to_end.weights, 1e-5, 1e-5, what + " weights");
  check_close(t.output, end_to_end.output, 1e-5, 1e-5, what + " output");
  for (long i = 0; i < p.lq(); ++i) {
    const RowStats& s = t.stats[i];
    const RefStats& r = soft.stats[i];
    INFO(what << " stats of query " << i);
    CHECK(s.masked_keys == r.masked_keys);
    CHECK(s.fully_masked == r.fully_masked);
    CHECK(s.mean == doctest::Approx(r.mean).epsilon(1e-4).scale(1));
    CHECK(s.std == doctest::Approx(r.std).epsilon(1e-4).scale(1));
    CHECK(s.max_weight == doctest::Approx(r.max_weight).epsilon(1e-5));
    CHECK(s.entropy == doctest::Approx(r.entropy).epsilon(1e-4).scale(1));
    CHECK(s.effective_keys == doctest::Approx(r.effective_keys).epsilon(1e-4));
    CHECK(s.jacobian_norm == doctest::Approx(r.jacobian_norm).epsilon(1e-4).scale(1e-3));
  }
}

Trace compute(const Problem& p) {
  validate(p);
  CpuBackend cpu;
  Trace t;
  cpu.compute(p, t);
  return t;
}

Trace compute_output_only(const Problem& p) {
  CpuBackend cpu;
  Trace t;
  cpu.compute_output_only(p, t);
  return t;
}

void check_same_output_and_stats(const Trace& streamed, const Trace& full, const std::string& what) {
  CHECK_FALSE(streamed.full);
  CHECK(streamed.weights.size() == 0);
  check_close(streamed.output, to_double(full.output), 1e-5, 1e-5, what + " output-only vs full output");
  for (std::size_t i = 0; i < full.stats.size(); ++i) {
    const RowStats &a = streamed.stats[i], &b = full.stats[i];
    INFO(what << " output-only stats of query " << i);
    CHECK(a.masked_keys == b.masked_keys);
    CHECK(a.fully_masked == b.fully_masked);
    CHECK(a.mean == doctest::Approx(b.mean).epsilon(1e-4).scale(1));
    CHECK(a.std == doctest::Approx(b.std).epsilon(1e-4).scale(1));
    CHECK(a.max_weight == doctest::Approx(b.max_weight).epsilon(1e-5));
    CHECK(a.entropy == doctest::Approx(b.entropy).epsilon(1e-4).scale(1));
    CHECK(a.jacobian_norm == doctest::Approx(b.jacobian_norm).epsilon(1e-4).scale(1e-3));
  }
}

}  // namespace

TEST_CASE("every stage matches the float64 reference for every shape and mask kind") {
  std::uint64_t seed = 1;
  for (const Shape& s : shapes) {
    for (const char* spec : masks) {
      Problem p = random_problem(s.lq, s.lk, s.dk, s.dv, seed++);
      p.mask = parse_mask(spec);
      if (p.mask.kind == MaskSpec::Kind::padding && p.mask.param > s.lk) continue;
      const std::string what = std::to_string(s.lq) + "×" + std::to_string(s.lk) + " dk=" + std::to_string(s.dk) +
                               " mask " + spec;
      const Trace t = compute(p);
      check_trace(p, t, what);
      check_same_output_and_stats(compute_output_only(p), t, what);
    }
  }
}

TEST_CASE("matrix masks: bool and float, with fully masked rows") {
  for (const Shape& s : shapes) {
    if (s.lq < 3) continue;
    for (const MaskSpec& mask : {checker_mask(s.lq, s.lk), float_mask(s.lq, s.lk)}) {
      Problem p = random_problem(s.lq, s.lk, s.dk, s.dv, 99);
      p.mask = mask;
      const std::string what = std::to_string(s.lq) + "×" + std::to_string(s.lk) + (mask.is_bool ? " bool" : " float") + " mask";
      const Trace t = compute(p);
      check_trace(p, t, what);
      check_same_output_and_stats(compute_output_only(p), t, what);
    }
  }
}

TEST_CASE("scales: sqrt, none, a number, a negative number, and a temperature") {
  for (const char* scale : {"sqrt", "none", "0.3", "-1.5"}) {
    Problem p = random_problem(20, 33, 16, 4, 5);
    p.scale = parse_scale(scale);
    p.temperature = 1.7;
    check_trace(p, compute(p), std::string("scale ") + scale);
  }
}

TEST_CASE("fully masked rows give zero weights and zero output, never NaN") {
  // causal-bottom-right with Lq > Lk leaves the top Lq − Lk rows with nothing to attend.
  Problem p = random_problem(9, 4, 8, 3, 2);
  p.mask = parse_mask("causal-bottom-right");
  for (const Trace& t : {compute(p), compute_output_only(p)}) {
    CHECK(t.output.allFinite());
    for (long i = 0; i < 9; ++i) {
      const bool empty = i < 5;
      CHECK(t.stats[i].fully_masked == empty);
      CHECK(t.stats[i].masked_keys == (empty ? 4 : 4 - (i - 4)));
      if (!empty) continue;
      CHECK(t.output.row(i).isZero(0));
      CHECK(t.stats[i].entropy == 0);
      CHECK(t.stats[i].max_weight == 0);
      CHECK(t.stats[i].jacobian_norm == 0);
      if (t.full) CHECK(t.weights.row(i).isZero(0));
    }
    if (t.full) CHECK(t.weights.allFinite());
  }
}

TEST_CASE("huge unscaled scores do not overflow exp") {
  // σ = 30, dk = 512, no scaling: scores reach tens of thousands, where exp(x) alone is inf.
  Problem p = random_problem(40, 300, 512, 16, 11, 30);
  p.scale = parse_scale("none");
  const Trace t = compute(p);
  CHECK(t.scores.cwiseAbs().maxCoeff() > 1000);
  CHECK(t.weights.allFinite());
  CHECK(t.output.allFinite());
  const RefTrace soft = ref_softmax(to_double(t.masked), to_double(t.scaled));
  check_close(t.weights, soft.weights, 1e-6, 1e-5, "huge scores: weights");
  for (long i = 0; i < p.lq(); ++i) CHECK(t.weights.row(i).sum() == doctest::Approx(1).epsilon(1e-5));
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
  Problem p = random_problem(30, 40, 8, 6, 4);
  engine.set_problem(p);
  const Matrix scores = engine.trace().scores;
  engine.set_scale(parse_scale("none"));
  engine.set_mask(parse_mask("causal"));
  engine.set_temperature(2.0);
  const Trace& t = engine.trace();
  CHECK(t.scores == scores);
  p.scale = parse_scale("none");
  p.mask = parse_mask("causal");
  p.temperature = 2.0;
  check_trace(p, t, "after scale, mask and temperature changes");

  const Matrix weights = t.weights;
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

TEST_CASE("backends are picked by name") {
  CHECK(make_backend("cpu").backend->name() == "cpu");
  const BackendChoice automatic = make_backend("auto");
  CHECK(automatic.backend->name() == "cpu");
  CHECK_FALSE(automatic.fallback_reason.empty());
  CHECK_THROWS_AS(make_backend("gpu"), RunError);
  try {
    make_backend("metal");
    FAIL("an unknown backend was accepted");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("auto, cpu, gpu") != std::string::npos);
  }
}

TEST_CASE("inputs that would overflow float32 are refused, not turned into NaN") {
  Problem p = random_problem(4, 4, 4, 4, 1);
  p.q *= 1e19f;
  p.k *= 1e19f;
  CHECK_THROWS_AS(validate(p), InputError);
}
