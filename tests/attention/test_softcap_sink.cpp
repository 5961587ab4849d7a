// Soft-capping (Gemma 2: scaled scores become C·tanh(s/C) before the mask) and learned sinks (gpt-oss:
// a logit in the softmax's denominator with no value) on the CPU engine, against the float64 reference:
// every mask kind, the full trace and the output-only mode, the engine's recomputes, heads, tiles and
// the precision lab.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <optional>

#include "core/attention/cpu_backend.hpp"
#include "core/attention/engine.hpp"
#include "core/attention/heads.hpp"
#include "core/attention/memory.hpp"
#include "core/attention/precision.hpp"
#include "core/attention/query_view.hpp"
#include "core/attention/reference64.hpp"
#include "core/attention/tile_walk.hpp"
#include "tests/trace_checks.hpp"

using namespace attnlab;
using namespace attnlab::test;

TEST_SUITE_BEGIN("attention/softcap-sink");

namespace {

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

Trace full_on_cpu(const Problem& p) {
  CpuBackend cpu;
  return compute_on(cpu, p);
}

Trace output_only_on_cpu(const Problem& p) {
  CpuBackend cpu;
  return output_only_on(cpu, p);
}

// One query, three keys, dk = 1 and no scale: scaled = q·k = (2, −1, 4) exactly.
Problem three_keys() {
  Problem p;
  p.q = Matrix::Constant(1, 1, 1.0f);
  p.k = Matrix(3, 1);
  p.k << 2.0f, -1.0f, 4.0f;
  p.v = Matrix(3, 2);
  p.v << 1.0f, 0.0f, 0.0f, 1.0f, 1.0f, 1.0f;
  p.scale = parse_scale("none");
  return p;
}

}  // namespace

TEST_CASE("a soft-cap and a sink match the float64 reference for every mask kind, full and output-only") {
  for_each_softcap_sink_case([](const Problem& p, const std::string& what) {
    const Trace t = full_on_cpu(p);
    check_trace(p, t, what);
    check_same_output_and_stats(output_only_on_cpu(p), t, what);
  });
}

TEST_CASE("the order is soft-cap, then the mask, then the softmax with the sink in its denominator") {
  Problem p = three_keys();
  p.softcap = 2.0;
  p.sink = 0.5;
  MaskSpec mask;
  mask.kind = MaskSpec::Kind::matrix;
  mask.source = "test";
  mask.additive = Matrix(1, 3);
  mask.additive << 0.0f, 1.5f, -std::numeric_limits<float>::infinity();
  p.mask = mask;
  // Written out: the mask's 1.5 is added after the cap (it is not capped), the sink joins the sum.
  const double x0 = 2 * std::tanh(2.0 / 2), x1 = 2 * std::tanh(-1.0 / 2) + 1.5;
  const double sum = std::exp(x0) + std::exp(x1) + std::exp(0.5);
  for (const Trace& t : {full_on_cpu(p), output_only_on_cpu(p)}) {
    if (t.full) {
      CHECK(t.capped(0, 0) == doctest::Approx(x0).epsilon(1e-6));
      CHECK(t.capped(0, 2) == doctest::Approx(2 * std::tanh(2.0)).epsilon(1e-6));
      CHECK(t.masked(0, 1) == doctest::Approx(x1).epsilon(1e-6));
      CHECK(t.masked(0, 2) == -std::numeric_limits<float>::infinity());
      CHECK(t.weights(0, 0) == doctest::Approx(std::exp(x0) / sum).epsilon(1e-6));
      CHECK(t.weights(0, 1) == doctest::Approx(std::exp(x1) / sum).epsilon(1e-6));
      CHECK(t.weights(0, 2) == 0.0f);
    }
    CHECK(t.stats[0].sink_weight == doctest::Approx(std::exp(0.5) / sum).epsilon(1e-6));
    CHECK(t.output(0, 0) == doctest::Approx(std::exp(x0) / sum).epsilon(1e-6));
    CHECK(t.output(0, 1) == doctest::Approx(std::exp(x1) / sum).epsilon(1e-6));
  }
}

TEST_CASE("a row that may attend nothing gives all its weight to the sink: zero weights, zero output, never NaN") {
  // gpt-oss's reference concatenates the sink as a last column, subtracts the row maximum (the sink,
  // every other entry being −inf), takes the softmax ([0, …, 0, 1]) and drops that column.
  Problem p = fully_masked_problem();  // rows 0 to 4 may attend nothing
  p.sink = -3.0;
  p.softcap = 1.5;
  for (const Trace& t : {full_on_cpu(p), output_only_on_cpu(p)}) {
    check_fully_masked_rows(t);
    for (long i = 0; i < 5; ++i) CHECK(t.stats[i].sink_weight == 1.0f);
    for (long i = 5; i < p.lq(); ++i) {
      CHECK(t.stats[i].sink_weight > 0.0f);
      CHECK(t.stats[i].sink_weight < 1.0f);
    }
  }
}

TEST_CASE("without a soft-cap or a sink nothing changes: no capped stage, weights add up to 1") {
  const Problem p = random_problem(20, 30, 8, 4, 3);
  const Trace t = full_on_cpu(p);
  CHECK(t.capped.size() == 0);
  CHECK_THROWS_WITH_AS(t.stage(Stage::capped), doctest::Contains("--softcap"), InputError);
  for (long i = 0; i < p.lq(); ++i) {
    CHECK(t.stats[i].sink_weight == 0.0f);
    CHECK(t.weights.row(i).sum() == doctest::Approx(1).epsilon(1e-6));
  }
  CHECK(stages_with(false).size() == 5);
  CHECK(stages_with(true).size() == 6);
  CHECK(stages_with(true)[2] == Stage::capped);
  CHECK(parse_stage("capped") == Stage::capped);
}

TEST_CASE("soft-caps and sinks out of range are refused with their value") {
  Problem p = random_problem(4, 5, 3, 2, 1);
  for (const double c : {0.0, -1.0, nan_value, inf_value, -inf_value, 1e-31, 1e31}) {
    p.softcap = c;
    CHECK_THROWS_WITH_AS(validate(p), doctest::Contains("soft-cap"), InputError);
  }
  p.softcap = 1e-30;
  CHECK_NOTHROW(validate(p));
  p.softcap = 30.0;
  for (const double s : {nan_value, inf_value, -inf_value, 1e15, -1e15}) {
    p.sink = s;
    CHECK_THROWS_WITH_AS(validate(p), doctest::Contains("sink"), InputError);
  }
  p.sink = -1e14;
  CHECK_NOTHROW(validate(p));
  try {
    check_softcap(-2, "--softcap -2.0");
    FAIL("a negative soft-cap was taken");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("--softcap -2.0 must be a finite number > 0") != std::string::npos);
  }
}

TEST_CASE("a tiny or a huge cap stays finite: C·tanh never becomes 0/0 or inf·0") {
  for (const double c : {1e-30, 1e30}) {
    Problem p = random_problem(6, 7, 4, 3, 2);
    p.softcap = c;
    p.sink = 0.25;
    const Trace t = full_on_cpu(p);
    CHECK(t.capped.allFinite());
    CHECK(t.weights.allFinite());
    CHECK(t.output.allFinite());
    CHECK(output_only_on_cpu(p).output.allFinite());
    if (c > 1) check_close(t.capped, to_double(t.scaled), 1e-6, 1e-6, "a cap of 1e30 is no cap");
  }
}

TEST_CASE("the engine: a soft-cap keeps the scores, a sink keeps the scaled and capped scores; a bad one keeps all") {
  Engine engine(std::make_unique<CpuBackend>());
  Problem p = random_problem(30, 40, 8, 6, 4, 2.0f);
  engine.set_problem(p);
  const Matrix scores = engine.trace().scores;
  engine.set_softcap(3.0);
  const Matrix capped = engine.trace().capped;
  CHECK(engine.trace().scores == scores);
  p.softcap = 3.0;
  check_trace(p, engine.trace(), "after set_softcap");

  engine.set_sink(1.25);
  engine.set_mask(parse_mask("causal"));
  CHECK(engine.trace().capped == capped);
  p.sink = 1.25;
  p.mask = parse_mask("causal");
  check_trace(p, engine.trace(), "after set_sink and set_mask");

  const Matrix weights = engine.trace().weights;
  CHECK_THROWS_AS(engine.set_softcap(-1.0), InputError);
  CHECK_THROWS_AS(engine.set_sink(nan_value), InputError);
  CHECK(engine.problem().softcap == 3.0);
  CHECK(engine.problem().sink == 1.25);
  CHECK(engine.trace().weights == weights);

  engine.set_softcap(std::nullopt);
  engine.set_sink(std::nullopt);
  p.softcap.reset();
  p.sink.reset();
  check_trace(p, engine.trace(), "with both taken away again");
  CHECK(engine.trace().capped.size() == 0);

  Engine streamed(std::make_unique<CpuBackend>(), Mode::output_only);
  p.softcap = 3.0;
  p.sink = 1.25;
  streamed.set_problem(p);
  check_same_output_and_stats(streamed.trace(), full_on_cpu(p), "the output-only engine");
}

TEST_CASE("heads: one sink for every head, or one per head; any other count is refused") {
  HeadsProblem hp;
  for (Index h = 0; h < 4; ++h) hp.q.push_back(random_problem(6, 9, 5, 3, 10 + h).q);
  for (Index g = 0; g < 2; ++g) {
    const Problem kv = random_problem(6, 9, 5, 3, 20 + g);
    hp.k.push_back(kv.k), hp.v.push_back(kv.v);
  }
  hp.mask = parse_mask("causal");
  hp.softcap = 2.5;
  hp.sinks = {0.5, -1.0, 2.0, 8.0};
  CpuBackend cpu;
  const std::vector<Trace> traces = compute_heads(cpu, hp);
  for (Index h = 0; h < 4; ++h) {
    const Problem p = head_problem(hp, h);
    CHECK(p.softcap == 2.5);
    CHECK(p.sink == hp.sinks[static_cast<std::size_t>(h)]);
    check_trace(p, traces[static_cast<std::size_t>(h)], "head " + std::to_string(h));
  }
  hp.sinks = {0.75};
  for (Index h = 0; h < 4; ++h) CHECK(head_problem(hp, h).sink == 0.75);
  CHECK_NOTHROW(validate_heads(hp));
  hp.sinks = {1, 2, 3};
  CHECK_THROWS_WITH_AS(validate_heads(hp), doctest::Contains("3 sink logits for 4 heads"), InputError);
  hp.sinks = {1, nan_value, 3, 4};
  CHECK_THROWS_WITH_AS(validate_heads(hp), doctest::Contains("sink of head 1"), InputError);
  hp.sinks.clear();
  CHECK_FALSE(head_problem(hp, 2).sink);

  // single_head keeps both.
  Problem one = random_problem(3, 4, 2, 2, 1);
  one.softcap = 7.0;
  one.sink = 0.5;
  const HeadsProblem as_heads = single_head(one);
  CHECK(as_heads.softcap == 7.0);
  CHECK(as_heads.sinks == std::vector<double>{0.5});
}

TEST_CASE("the tile stepper ends at the standard output with a soft-cap and a sink, and its maxima are capped") {
  for (const char* spec : {"none", "causal-bottom-right", "window:3"}) {
    Problem p = random_problem(13, 11, 5, 4, 8, 2.0f);
    p.mask = parse_mask(spec);
    p.softcap = 1.75;
    p.sink = 0.5;
    const Trace full = full_on_cpu(p);
    for (Index tile : {1, 4, 11}) {
      for (Index query = 0; query < p.lq(); ++query) {
        INFO(spec << " tile " << tile << " query " << query);
        const TileWalk walk = walk_tiles(p, query, tile, &full);
        CHECK(walk.difference <= 1e-5f);
        for (const TileStep& step : walk.steps)
          if (step.tile_max > -std::numeric_limits<float>::infinity())
            CHECK(step.tile_max ==
                  doctest::Approx(full.masked.row(query).segment(step.first_key, step.keys).maxCoeff()).epsilon(1e-6));
      }
    }
  }
}

TEST_CASE("the query view holds the capped row, the cap and the sink's share of the weight") {
  Problem p = random_problem(5, 6, 4, 3, 9, 2.0f);
  p.softcap = 2.0;
  p.sink = 1.0;
  const Trace t = full_on_cpu(p);
  const QueryView view = query_view(p, t, 3);
  CHECK(view.capped == t.capped.row(3).transpose());
  CHECK(view.softcap == 2.0);
  CHECK(view.sink == 1.0);
  CHECK(view.sink_weight() == t.stats[3].sink_weight);
  CHECK(view.weights.sum() + view.sink_weight() == doctest::Approx(1).epsilon(1e-6));
  CHECK(query_view(random_problem(5, 6, 4, 3, 9), full_on_cpu(random_problem(5, 6, 4, 3, 9)), 3).capped.size() == 0);
}

TEST_CASE("the precision lab: fp32 in its own pass matches float64; fp16 caps as fp16 computes tanh") {
  Problem p = random_problem(23, 17, 16, 5, 12, 2.0f);
  p.mask = parse_mask("causal-bottom-right");  // rows 0 to 5 may attend nothing
  p.softcap = 2.5;
  p.sink = 1.5;
  p.precision = {Precision::fp32, true, -1e30f};  // the lab's own pass, in float32
  CpuBackend cpu;
  Trace lab;
  cpu.compute(p, lab);
  // Its masked cells hold −1e30 instead of −inf; with that mask value the float64 truth is the same
  // (exp(−1e30 − max) is 0) for rows that attend something.
  const RefTrace ref = reference(p);
  check_close(lab.capped, ref.capped, 1e-5, 1e-5, "fp32 lab capped");
  for (long i = 0; i < p.lq(); ++i) {
    if (ref.stats[i].fully_masked) continue;
    INFO("query " << i);
    check_close(lab.weights.row(i), ref.weights.row(i), 1e-5, 1e-5, "fp32 lab weights");
    CHECK(lab.stats[i].sink_weight == doctest::Approx(ref.stats[i].sink_weight).epsilon(1e-5));
  }
  CHECK(reference_weights_error(p, lab.weights).maxCoeff() < 1e-5f);

  // fp16: divide, tanh, multiply, each rounded to fp16, as Gemma 2's reference does in half precision;
  // the sink rounded to fp16 is one more entry of each row.
  p.precision = {Precision::fp16, true, {}};
  Trace half;
  cpu.compute(p, half);
  const float c = 2.5f;
  for (long i = 0; i < p.lq(); ++i)
    for (long j = 0; j < p.lk(); ++j) {
      const float expected = round_to_half(c * round_to_half(std::tanh(round_to_half(half.scaled(i, j) / c))));
      CHECK(half.capped(i, j) == expected);
    }
  for (long i = 0; i < p.lq(); ++i) {
    INFO("fp16 query " << i);
    if (i < p.lq() - p.lk()) {  // fully masked: all to the sink
      CHECK(half.weights.row(i).isZero(0));
      CHECK(half.stats[i].sink_weight == 1.0f);
      continue;
    }
    CHECK(half.weights.row(i).sum() + half.stats[i].sink_weight == doctest::Approx(1).epsilon(1e-2));
    CHECK(half.stats[i].sink_weight == doctest::Approx(ref.stats[i].sink_weight).epsilon(1e-2).scale(1e-2));
  }
  check_close(half.output.bottomRows(p.lk()), ref.output.bottomRows(p.lk()), 1e-2, 1e-2, "fp16 output");
}

TEST_CASE("the memory estimate counts the capped stage") {
  CHECK(trace_bytes(100, 200, 8, true, true) - trace_bytes(100, 200, 8, true, false) == 4u * 100 * 200);
  CHECK(trace_bytes(100, 200, 8, false, true) == trace_bytes(100, 200, 8, false, false));
  RunSizes sizes{1, 1, 1000, 1000, 64, 64};
  MemoryPlan plan;
  plan.sizes = sizes;
  const std::uint64_t plain = peak_bytes(plan);
  plan.sizes.capped = true;
  CHECK(peak_bytes(plan) >= plain + 4u * 1000 * 1000);
}

TEST_SUITE_END();
