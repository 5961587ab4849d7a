// The precision lab: rounding to half and bfloat16 against known values, and the precision trace
// against the float64 reference and against where the analysis says fp16 overflows.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

#include "core/attention/cpu_backend.hpp"
#include "core/attention/engine.hpp"
#include "core/attention/precision.hpp"
#include "core/attention/precision_trace.hpp"
#include "tests/trace_checks.hpp"

using namespace attnlab;
using namespace attnlab::test;

TEST_SUITE_BEGIN("attention/precision");

namespace {

constexpr float inf = std::numeric_limits<float>::infinity();

Trace lab_trace(Problem p, Precision format, bool subtract_max = true, std::optional<float> mask_value = {}) {
  p.precision = {format, subtract_max, mask_value};
  validate(p);
  CpuBackend cpu;
  Trace t;
  cpu.compute(p, t);
  return t;
}

bool same_bits(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(float) * static_cast<std::size_t>(a.size())) == 0;
}

// Scores far beyond fp16's exp range but inside its finite range (|score| < 65504), with row
// maxima from thousands down to near 0: σ = 30, no scale, query i shrunk by 2^(−i/2).
Problem spread_huge_scores_problem() {
  Problem p = random_problem(40, 64, 8, 16, 11, 30);
  p.scale = parse_scale("none");
  for (long i = 0; i < p.lq(); ++i) p.q.row(i) *= std::exp2(-0.5f * float(i));
  return p;
}

}  // namespace

TEST_CASE("half rounding: known values") {
  CHECK(round_to_half(65504.0f) == 65504.0f);
  CHECK(round_to_half(65519.0f) == 65504.0f);
  CHECK(round_to_half(65520.0f) == inf);
  CHECK(round_to_half(-65520.0f) == -inf);
  CHECK(round_to_half(1e9f) == inf);
  CHECK(round_to_half(1.0f / 3.0f) == 0.333251953125f);
  CHECK(round_to_half(1.0f) == 1.0f);
  CHECK(round_to_half(1.0f + 0x1p-11f) == 1.0f);                // a tie: to even
  CHECK(round_to_half(1.0f + 3 * 0x1p-11f) == 1.0f + 0x1p-9f);  // a tie: to even, upwards
  CHECK(round_to_half(0x1p-24f) == 0x1p-24f);                   // smallest subnormal
  CHECK(round_to_half(0x1p-25f) == 0.0f);                       // half of it: a tie, to even (0)
  CHECK(round_to_half(0x1.8p-25f) == 0x1p-24f);
  CHECK(round_to_half(3 * 0x1p-24f) == 3 * 0x1p-24f);     // subnormals are exact multiples of 2^-24
  CHECK(round_to_half(0x1p-14f - 0x1p-25f) == 0x1p-14f);  // rounds up into the normals
  CHECK(std::signbit(round_to_half(-0x1p-30f)));
  CHECK(std::isnan(round_to_half(std::nanf(""))));
  CHECK(round_to_half(inf) == inf);
}

TEST_CASE("bfloat16 rounding: known values") {
  CHECK(round_to_bfloat16(1.0f / 3.0f) == 0.333984375f);
  CHECK(round_to_bfloat16(1.0f) == 1.0f);
  CHECK(round_to_bfloat16(1.0f + 0x1p-8f) == 1.0f);  // a tie: to even
  CHECK(round_to_bfloat16(1.0f + 3 * 0x1p-8f) == 1.0f + 0x1p-6f);
  CHECK(round_to_bfloat16(65520.0f) == 65536.0f);  // float32's range: no overflow here
  const float big = round_to_bfloat16(1e38f);
  CHECK(std::isfinite(big));
  CHECK(big == doctest::Approx(1e38).epsilon(4e-3));
  CHECK(round_to_bfloat16(std::numeric_limits<float>::max()) == inf);  // beyond bf16's largest
  CHECK(std::isnan(round_to_bfloat16(std::nanf(""))));
  CHECK(round_to_bfloat16(-inf) == -inf);
  CHECK(round_to(Precision::fp32, 1.0f / 3.0f) == 1.0f / 3.0f);
}

TEST_CASE("precision names") {
  CHECK(parse_precision("fp16") == Precision::fp16);
  CHECK(precision_name(Precision::bf16) == "bf16");
  CHECK_THROWS_AS(parse_precision("fp8"), InputError);
}

TEST_CASE("the default mode is the engine, bit for bit; fp32 in the lab's own pass stays close") {
  for (const char* spec : {"none", "causal", "window:3", "padding:2"}) {
    Problem p = random_problem(37, 45, 16, 9, 4);
    p.mask = parse_mask(spec);
    CpuBackend cpu;
    const Trace plain = compute_on(cpu, p);
    p.precision = PrecisionMode{};
    const Trace explicit_default = compute_on(cpu, p);
    for (Stage s : stages_with(false)) CHECK_MESSAGE(same_bits(plain.stage(s), explicit_default.stage(s)), spec);

    // Through the engine: a precision mode and back recomputes the ordinary path.
    Engine engine(std::make_unique<CpuBackend>());
    engine.set_problem(p);
    engine.set_precision({Precision::fp16, true, {}});
    engine.trace();
    engine.set_precision({});
    const Trace& back = engine.trace();
    for (Stage s : stages_with(false)) CHECK_MESSAGE(same_bits(plain.stage(s), back.stage(s)), spec);

    Trace lab;
    compute_precision_trace(p, lab);
    check_trace(p, lab, std::string("fp32 precision trace, ") + spec);
  }
}

TEST_CASE("fp16 and bf16 stay near float64 on ordinary problems") {
  for (const char* spec : {"none", "causal"}) {
    Problem p = random_problem(24, 40, 64, 8, 5);
    p.mask = parse_mask(spec);
    const RefTrace ref = reference(p);
    check_close(lab_trace(p, Precision::fp16).output, ref.output, 1e-2, 1e-2, std::string("fp16 ") + spec);
    check_close(lab_trace(p, Precision::bf16).output, ref.output, 5e-2, 5e-2, std::string("bf16 ") + spec);
  }
}

TEST_CASE("fp16 with max subtraction survives huge scores") {
  const Problem p = spread_huge_scores_problem();
  const Trace t = lab_trace(p, Precision::fp16);
  REQUIRE(t.scores.allFinite());
  CHECK(t.scores.cwiseAbs().maxCoeff() > 1000);
  CHECK(t.weights.allFinite());
  CHECK(t.output.allFinite());
  // The softmax of what fp16 holds, in float64: a few half ulps apart at most.
  const RefTrace soft = ref_softmax(to_double(t.masked), to_double(t.scaled));
  check_close(t.weights, soft.weights, 2e-3, 2e-3, "fp16 weights");
  Matrix v = p.v;
  round_in_place(Precision::fp16, v);
  check_close(t.output, to_double(t.weights) * to_double(v), 1e-2, 2e-3, "fp16 output");
  for (long i = 0; i < p.lq(); ++i) {
    CHECK(t.weights.row(i).sum() == doctest::Approx(1).epsilon(1e-2));
    CHECK_FALSE(t.stats[i].non_finite);
  }
}

TEST_CASE("fp16 without max subtraction overflows exactly in the rows whose largest score passes ln 65504") {
  const Problem p = spread_huge_scores_problem();
  const Trace t = lab_trace(p, Precision::fp16, false);
  const RefTrace ref = reference(p);
  const double limit = std::log(65504.0);
  int overflowing = 0, finite = 0;
  for (long i = 0; i < p.lq(); ++i) {
    const double row_max = ref.scaled.row(i).maxCoeff();
    REQUIRE(row_max > -10);  // no row where every exp underflows to 0 (0/0 would be NaN for another reason)
    if (std::abs(row_max - limit) < 0.1) continue;  // too close to call once the inputs are rounded
    const bool overflows = row_max > limit;
    INFO("query " << i << ", largest scaled score " << row_max);
    CHECK(t.weights.row(i).hasNaN() == overflows);
    CHECK(t.output.row(i).allFinite() == !overflows);
    CHECK(t.stats[i].non_finite == overflows);
    if (overflows) {
      CHECK(std::isnan(t.stats[i].entropy));
      ++overflowing;
    } else {
      CHECK(t.weights.row(i).sum() == doctest::Approx(1).epsilon(1e-2));
      ++finite;
    }
  }
  CHECK(overflowing >= 5);
  CHECK(finite >= 5);
  // Max subtraction on: the same problem is finite everywhere (previous test); fp32 overflows later.
  const Trace fp32 = lab_trace(p, Precision::fp32, false);
  for (long i = 0; i < p.lq(); ++i)
    if (ref.scaled.row(i).maxCoeff() < 80) CHECK(fp32.weights.row(i).allFinite());
}

TEST_CASE("a fully masked row: zeros with -inf, uniform with a finite mask value") {
  const Problem p = fully_masked_problem();  // rows 0 to 4 may attend nothing
  const long lk = p.lk();
  const Trace neg_inf = lab_trace(p, Precision::fp16);
  const Trace fp32_big = lab_trace(p, Precision::fp32, true, -1e9f);
  const Trace bf16_big = lab_trace(p, Precision::bf16, true, -1e9f);
  const Trace fp16_big = lab_trace(p, Precision::fp16, true, -1e9f);  // −1e9 is −inf in fp16
  const Trace fp16_lowest = lab_trace(p, Precision::fp16, true, -65504.0f);
  const Trace fp16_lowest_no_max = lab_trace(p, Precision::fp16, false, -65504.0f);
  for (long i = 0; i < 5; ++i) {
    INFO("query " << i);
    CHECK(neg_inf.weights.row(i).isZero(0));
    CHECK(neg_inf.output.row(i).isZero(0));
    CHECK(fp16_big.weights.row(i).isZero(0));
    CHECK(neg_inf.stats[i].fully_masked);
    for (const Trace* t : {&fp32_big, &bf16_big, &fp16_lowest}) {
      CHECK((t->weights.row(i).array() == 1.0f / float(lk)).all());
      CHECK(t->stats[i].fully_masked);
      CHECK(t->stats[i].max_weight == doctest::Approx(1.0 / double(lk)));
      CHECK(t->stats[i].entropy == doctest::Approx(std::log(double(lk))));
    }
    CHECK(fp32_big.masked(i, 0) == -1e9f);
    CHECK(fp16_lowest_no_max.weights.row(i).hasNaN());  // exp(−65504) = 0 everywhere: 0/0
    CHECK(fp16_lowest_no_max.stats[i].non_finite);
  }
  // Rows with keys to attend: a mask value that small is as good as −inf.
  for (long i = 5; i < p.lq(); ++i) {
    CHECK(fp32_big.weights.row(i).isApprox(lab_trace(p, Precision::fp32, true).weights.row(i)));
    CHECK_FALSE(fp32_big.stats[i].fully_masked);
  }
}

TEST_CASE("a mask value must be finite") {
  Problem p = random_problem(3, 4, 2, 2, 1);
  p.precision.mask_value = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_AS(validate(p), InputError);
  p.precision.mask_value = -inf;
  CHECK_THROWS_AS(validate(p), InputError);
  p.precision.mask_value = 5.0f;  // positive is allowed: a lesson in what not to do
  CHECK_NOTHROW(validate(p));
}

TEST_CASE("the mask value's one grammar: -inf, lowest or a finite number, as the window and --mask-value write it") {
  CHECK_FALSE(parse_mask_value("-inf", Precision::fp32));
  CHECK(*parse_mask_value("lowest", Precision::fp16) == -65504.0f);
  CHECK(*parse_mask_value("lowest", Precision::bf16) == std::numeric_limits<float>::lowest());
  CHECK(*parse_mask_value("lowest", Precision::fp32) == std::numeric_limits<float>::lowest());
  CHECK(*parse_mask_value("-1e9", Precision::fp32) == -1e9f);
  CHECK(*parse_mask_value("5", Precision::fp16) == 5.0f);
  for (const char* bad : {"", "abc", "nan", "inf", "1e39", "-5x", " -1", "+1", "0x10", "lowest "}) {
    const std::string message = "mask value '" + std::string(bad) + "' is not -inf, lowest or a finite number";
    CHECK_THROWS_WITH_AS(parse_mask_value(bad, Precision::fp32), doctest::Contains(message.c_str()), InputError);
  }
}

TEST_SUITE_END();
