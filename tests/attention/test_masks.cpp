// Mask specs: parsing, the allowed keys of each kind straight from the spec's table, and errors.
#include <doctest/doctest.h>

#include <limits>

#include "core/attention/mask.hpp"
#include "core/attention/scale.hpp"

using namespace attnlab;

TEST_SUITE_BEGIN("attention/masks");

namespace {

// The spec's table, cell by cell.
bool may_attend(const std::string& spec, long i, long j, long lq, long lk) {
  if (spec == "none") return true;
  if (spec == "causal") return j <= i;
  if (spec == "causal-bottom-right") return j <= i + (lk - lq);
  if (spec.starts_with("window:")) return i - std::stol(spec.substr(7)) < j && j <= i;
  if (spec.starts_with("padding:")) return j < std::stol(spec.substr(8));
  return false;
}

std::string error_of(const std::string& spec) {
  try {
    parse_mask(spec);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("each mask kind allows exactly the keys the spec's table says") {
  for (auto [lq, lk] : {std::pair{6L, 6L}, {3L, 8L}, {8L, 3L}, {1L, 1L}}) {
    for (std::string spec :
         {"none", "causal", "causal-bottom-right", "window:1", "window:2", "window:10", "padding:1", "padding:3"}) {
      const MaskSpec mask = parse_mask(spec);
      CHECK(mask.text() == spec);
      if (mask.kind == MaskSpec::Kind::padding && mask.param > lk) continue;
      for (long i = 0; i < lq; ++i) {
        const KeyRange keys = key_range(mask, i, lq, lk);
        for (long j = 0; j < lk; ++j)
          CHECK_MESSAGE((keys.lo <= j && j < keys.hi) == may_attend(spec, i, j, lq, lk),
                        spec << " " << lq << "×" << lk << " query " << i << " key " << j);
      }
    }
  }
}

TEST_CASE("bad mask specs name the spec") {
  CHECK(error_of("window:0").find("window:0") != std::string::npos);
  CHECK(error_of("window:x").find("'x'") != std::string::npos);
  CHECK(error_of("padding:-2").find("padding:-2") != std::string::npos);
  CHECK(error_of("causal-top").find("causal-top") != std::string::npos);
  CHECK(error_of("file:").find("file:") != std::string::npos);
  CHECK(error_of("file:m.npy").find("read_mask") != std::string::npos);
  CHECK_THROWS_WITH_AS(check_mask(parse_mask("padding:9"), 4, 8), doctest::Contains("9"), InputError);
  CHECK_NOTHROW(check_mask(parse_mask("padding:8"), 4, 8));
}

TEST_CASE("a float mask is added as is; +inf and NaN in it are refused, -inf is not") {
  Matrix values(2, 3);
  values << 0, -std::numeric_limits<float>::infinity(), -1.5f, 0, 0, std::numeric_limits<float>::lowest();
  const MaskSpec mask = additive_mask(values, "m.npy");
  CHECK(mask.kind == MaskSpec::Kind::matrix);
  CHECK_FALSE(mask.is_bool);
  CHECK(mask.additive == values);
  CHECK(mask.text() == "file:m.npy");
  CHECK_THROWS_WITH_AS(check_mask(mask, 3, 3), doctest::Contains("2×3"), InputError);
  CHECK_NOTHROW(check_mask(mask, 2, 3));
  for (float bad : {std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()}) {
    values(1, 1) = bad;
    CHECK_THROWS_WITH_AS(additive_mask(values, "m.npy"), doctest::Contains("m.npy: value"), InputError);
    CHECK_THROWS_WITH_AS(additive_mask(values, "m.npy"), doctest::Contains("at (1, 1)"), InputError);
  }
}

TEST_CASE("scale specs") {
  CHECK(resolve_scale(parse_scale("sqrt"), 64) == doctest::Approx(0.125));
  CHECK(resolve_scale(parse_scale("none"), 64) == 1);
  CHECK(resolve_scale(parse_scale("-0.5"), 64) == -0.5);
  CHECK(parse_scale("0.25").text() == "0.25");
  for (const char* bad : {"", "abc", "1.5x", "inf", "nan", "1e999"})
    CHECK_THROWS_WITH_AS(parse_scale(bad), doctest::Contains((std::string("'") + bad + "'").c_str()), InputError);
}

TEST_SUITE_END();
