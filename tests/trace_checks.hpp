#pragma once
// Checks of a trace that every backend must pass: each stage against the float64 reference, the
// statistics, and the output-only mode against the full trace; with the shapes and masks that
// exercise them.
#include <doctest/doctest.h>

#include <limits>
#include <optional>
#include <string>

#include "core/attention/backend.hpp"
#include "core/attention/engine.hpp"
#include "tests/check.hpp"

namespace attnlab::test {

struct Shape {
  long lq, lk, dk, dv;
};
// Lq ≠ Lk, dk = 1 and 512, and sizes that are no multiple of any block or tile (64, 128, 256).
inline constexpr Shape shapes[] = {{1, 1, 1, 1},       {3, 5, 1, 2},      {7, 300, 17, 5},
                                   {130, 257, 64, 33}, {65, 129, 512, 8}, {300, 70, 3, 40}};
inline constexpr const char* masks[] = {"none",      "causal",   "causal-bottom-right", "window:1", "window:5",
                                        "padding:1", "padding:3"};

inline Trace compute_on(Backend& backend, const Problem& p) {
  validate(p);
  Trace t;
  backend.compute(p, t);
  return t;
}

inline Trace output_only_on(Backend& backend, const Problem& p) {
  Trace t;
  backend.compute_output_only(p, t);
  return t;
}

inline std::string shape_name(const Shape& s) {
  return std::to_string(s.lq) + "×" + std::to_string(s.lk) + " dk=" + std::to_string(s.dk);
}

// A bool mask with a pattern no structural mask has, one row fully closed.
inline MaskSpec checker_mask(long lq, long lk) {
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> allowed(lq, lk);
  for (long i = 0; i < lq; ++i)
    for (long j = 0; j < lk; ++j) allowed(i, j) = (i + 2 * j) % 3 != 0 && i != lq / 2;
  return bool_mask(allowed);
}

// A float mask: finite penalties, some -inf, one row fully -inf.
inline MaskSpec float_mask(long lq, long lk) {
  MaskSpec m;
  m.kind = MaskSpec::Kind::matrix;
  m.source = "test";
  m.additive = Matrix(lq, lk);
  for (long i = 0; i < lq; ++i)
    for (long j = 0; j < lk; ++j)
      m.additive(i, j) =
          (i == lq - 1 || (i * 7 + j) % 5 == 0) ? -std::numeric_limits<float>::infinity() : -0.25f * float((i + j) % 4);
  return m;
}

// A float mask as PyTorch and Hugging Face write one: float32's lowest value where a key is masked,
// 0 elsewhere, every row keeping a key (a row of lowest values only is uniform in float32, where the
// float64 reference's rounding tells the keys apart).
inline MaskSpec lowest_mask(long lq, long lk) {
  MaskSpec m = float_mask(lq, lk);
  for (long i = 0; i < lq; ++i)
    for (long j = 0; j < lk; ++j)
      m.additive(i, j) = lk > 1 && (i * 7 + j) % 5 == 0 ? std::numeric_limits<float>::lowest() : 0.0f;
  return m;
}

// Every stage against the reference computed from the engine's own previous stage (tight), and
// the whole chain against the reference from the inputs (atol = rtol = 1e-5 on the weights).
inline void check_trace(const Problem& p, const Trace& t, const std::string& what) {
  const RefTrace end_to_end = reference(p);
  // Q·Kᵀ in float32: a dot product's rounding error is bounded by about √dk·ε·Σ|q_d k_d|.
  const MatD bound = to_double(p.q).cwiseAbs() * to_double(p.k).cwiseAbs().transpose();
  const double eps = std::numeric_limits<float>::epsilon();
  const double worst = ((to_double(t.scores) - end_to_end.scores).array().abs() /
                        (2 * eps * std::sqrt(double(p.dk())) * (1 + bound.array())))
                           .maxCoeff();
  CHECK_MESSAGE(worst <= 1, what << " scores: " << worst << "× the rounding bound");
  check_close(t.scaled, double(p.effective_scale()) * to_double(t.scores), 1e-6, 1e-6, what + " scaled");
  MatD masked = to_double(t.scaled);
  if (p.softcap) {
    // C·tanh(x/C) in float32 is within a few ulps of C (or of the value, near 0).
    check_close(t.capped, ref_capped(to_double(t.scaled), *p.softcap), 1e-6, 2e-6, what + " capped");
    check_close(t.capped, end_to_end.capped, 1e-5, 1e-5, what + " capped from the inputs");
    masked = to_double(t.capped);
  } else {
    CHECK_MESSAGE(t.capped.size() == 0, what << ": a capped stage without a soft-cap");
  }
  for (long i = 0; i < p.lq(); ++i)
    for (long j = 0; j < p.lk(); ++j) masked(i, j) += ref_mask(p, i, j);
  check_close(t.masked, masked, 1e-6, 1e-6, what + " masked");
  const RefTrace soft = ref_softmax(to_double(t.masked), to_double(t.scaled), p.sink);
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
    CHECK(s.sink_weight == doctest::Approx(r.sink_weight).epsilon(1e-5).scale(1e-2));
    CHECK(s.sink_weight == doctest::Approx(end_to_end.stats[i].sink_weight).epsilon(1e-5).scale(1e-2));
    if (!p.sink) CHECK(s.sink_weight == 0);
  }
  // With a sink the weights and the sink's share add up to 1; without one, the weights alone.
  for (long i = 0; i < p.lq(); ++i) {
    if (t.stats[i].fully_masked) continue;
    CHECK_MESSAGE(
        t.weights.row(i).sum() + t.stats[i].sink_weight == doctest::Approx(1).epsilon(1e-5),
        what << " query " << i << ": Σ weights " << t.weights.row(i).sum() << ", sink " << t.stats[i].sink_weight);
  }
}

inline void check_same_output_and_stats(const Trace& streamed, const Trace& full, const std::string& what) {
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
    CHECK(a.sink_weight == doctest::Approx(b.sink_weight).epsilon(1e-5).scale(1e-2));
  }
}

// The cases every backend must get right, as check(problem, name) calls: every shape with every
// structural mask ...
template <class Check>
void for_each_structural_case(Check&& check) {
  std::uint64_t seed = 1;
  for (const Shape& s : shapes)
    for (const char* spec : masks) {
      Problem p = random_problem(s.lq, s.lk, s.dk, s.dv, seed++);
      p.mask = parse_mask(spec);
      if (p.mask.kind == MaskSpec::Kind::padding && p.mask.param > s.lk) continue;
      check(p, shape_name(s) + " mask " + spec);
    }
}

// ... every shape with a bool and a float matrix mask ...
template <class Check>
void for_each_matrix_case(Check&& check) {
  for (const Shape& s : shapes) {
    if (s.lq < 3) continue;
    for (const auto& [mask, name] : {std::pair{checker_mask(s.lq, s.lk), " bool mask"},
                                     {float_mask(s.lq, s.lk), " float mask"},
                                     {lowest_mask(s.lq, s.lk), " mask of float32's lowest"}}) {
      Problem p = random_problem(s.lq, s.lk, s.dk, s.dv, 99);
      p.mask = mask;
      check(p, shape_name(s) + name);
    }
  }
}

// ... and every kind of scale, with a temperature.
template <class Check>
void for_each_scale_case(Check&& check) {
  for (const char* scale : {"sqrt", "none", "0.3", "-1.5"}) {
    Problem p = random_problem(20, 33, 16, 4, 5);
    p.scale = parse_scale(scale);
    p.temperature = 1.7;
    check(p, std::string("scale ") + scale);
  }
}

// ... and a soft-cap, a sink, or both, on every kind of mask: scores beyond the cap, sinks that
// weigh little and sinks that take most of the weight, rows that may attend nothing. Every soft-cap
// and sink is a float32 value, as the kernels take them.
template <class Check>
void for_each_softcap_sink_case(Check&& check) {
  struct Setting {
    std::optional<double> softcap, sink;
    const char* name;
  };
  const Setting settings[] = {{2.5, {}, "soft-cap 2.5"},
                              {{}, 0.5, "sink 0.5"},
                              {5.0, -1.25, "soft-cap 5, sink -1.25"},
                              {0.75, 3.75, "soft-cap 0.75, sink 3.75 (most of the weight)"},
                              {{}, 40.0, "sink 40 (all of the weight)"}};
  const Shape sizes[] = {{1, 1, 1, 1}, {9, 4, 8, 3}, {7, 300, 17, 5}, {130, 257, 64, 33}};
  std::uint64_t seed = 300;
  for (const Shape& shape : sizes)
    for (const char* spec : {"none", "causal", "causal-bottom-right", "window:3", "float", "lowest"})
      for (const Setting& setting : settings) {
        // The large shape (several query blocks and key tiles) with both set; the rest on small ones.
        if (shape.lq > 100 && &setting != &settings[2]) continue;
        Problem p = random_problem(shape.lq, shape.lk, shape.dk, shape.dv, seed++, 2.0f);
        const std::string mask = spec;
        if (mask == "float") p.mask = float_mask(shape.lq, shape.lk);
        else if (mask == "lowest") p.mask = lowest_mask(shape.lq, shape.lk);
        else p.mask = parse_mask(spec);
        p.softcap = setting.softcap;
        p.sink = setting.sink;
        check(p, shape_name(shape) + " mask " + mask + ", " + setting.name);
      }
  // Unscaled scores of σ = 1 at dk = 64 (spread 8) against a cap of 5: most cells near ±5.
  Problem p = random_problem(20, 33, 64, 4, 7);
  p.scale = parse_scale("none");
  p.softcap = 5.0;
  p.sink = 2.0;
  check(p, "unscaled, soft-cap 5, sink 2");
}

// An engine on some backend through a scale, a mask and a temperature change: it keeps the scores
// and recomputes the rest right. Returns the problem the changes lead to.
inline Problem check_engine_changes(Engine& engine, const std::string& what) {
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
  check_trace(p, t, what + " after scale, mask and temperature changes");
  return p;
}

// causal-bottom-right with Lq > Lk leaves the top Lq − Lk rows with nothing to attend.
inline Problem fully_masked_problem() {
  Problem p = random_problem(9, 4, 8, 3, 2);
  p.mask = parse_mask("causal-bottom-right");
  return p;
}

// Zero weights and zero output for those rows, never NaN; a full trace or an output-only one.
inline void check_fully_masked_rows(const Trace& t) {
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

// σ = 30, dk = 512, no scaling: scores reach tens of thousands, where exp(x) alone is inf.
inline Problem huge_scores_problem() {
  Problem p = random_problem(40, 300, 512, 16, 11, 30);
  p.scale = parse_scale("none");
  return p;
}

inline void check_huge_scores(const Problem& p, const Trace& t, const std::string& what) {
  CHECK(t.scores.cwiseAbs().maxCoeff() > 1000);
  CHECK(t.weights.allFinite());
  CHECK(t.output.allFinite());
  const RefTrace soft = ref_softmax(to_double(t.masked), to_double(t.scaled));
  check_close(t.weights, soft.weights, 1e-6, 1e-5, what + ": weights");
  for (long i = 0; i < p.lq(); ++i) CHECK(t.weights.row(i).sum() == doctest::Approx(1).epsilon(1e-5));
}

}  // namespace attnlab::test
