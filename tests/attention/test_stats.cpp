// Row statistics against values worked out by hand, in one chunk and in many.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/attention/online_softmax.hpp"
#include "core/attention/row_pass.hpp"

using namespace attnlab;

TEST_SUITE_BEGIN("attention/stats");

namespace {

// The statistics of a row with no mask, through the full trace's row pass.
RowStats full_stats(std::vector<float> scaled, std::vector<float>* weights = nullptr) {
  const auto n = static_cast<Index>(scaled.size());
  std::vector<float> p(scaled.size());
  const RowStats s = softmax_row(scaled.data(), scaled.data(), p.data(), n, {0, n}, false);
  if (weights) *weights = p;
  return s;
}

// The same row fed `chunk` keys at a time, as the output-only mode does.
RowStats chunked_stats(std::vector<float> scaled, Index chunk) {
  OnlineSoftmax row;
  std::vector<float> e(scaled.size());
  const auto n = static_cast<Index>(scaled.size());
  for (Index at = 0; at < n; at += chunk)
    row.add(scaled.data() + at, scaled.data() + at, e.data() + at, std::min(chunk, n - at), false);
  return row.stats(n);
}

}  // namespace

TEST_CASE("a uniform row: entropy log n, n effective keys, Jacobian norm √(n−1)/n") {
  for (int n : {1, 2, 5, 1000}) {
    for (const RowStats& s :
         {full_stats(std::vector<float>(n, 0.75f)), chunked_stats(std::vector<float>(n, 0.75f), 3)}) {
      CHECK(s.mean == doctest::Approx(0.75));
      CHECK(s.std == doctest::Approx(0).scale(1));
      CHECK(s.max_weight == doctest::Approx(1.0 / n));
      CHECK(s.entropy == doctest::Approx(std::log(n)).scale(1));
      CHECK(s.effective_keys == doctest::Approx(n));
      CHECK(s.jacobian_norm == doctest::Approx(std::sqrt(n - 1.0) / n).scale(1));
      CHECK(s.masked_keys == 0);
      CHECK_FALSE(s.fully_masked);
    }
  }
}

TEST_CASE("two keys with scores 0 and ln 3: weights 1/4 and 3/4") {
  const float ln3 = std::log(3.0f);
  std::vector<float> p;
  const RowStats s = full_stats({0, ln3}, &p);
  CHECK(p[0] == doctest::Approx(0.25));
  CHECK(p[1] == doctest::Approx(0.75));
  CHECK(s.mean == doctest::Approx(ln3 / 2));
  CHECK(s.std == doctest::Approx(ln3 / 2));
  CHECK(s.max_weight == doctest::Approx(0.75));
  // H = −(¼ ln ¼ + ¾ ln ¾)
  CHECK(s.entropy == doctest::Approx(-(0.25 * std::log(0.25) + 0.75 * std::log(0.75))));
  // diag(p) − ppᵀ = [[3/16, −3/16], [−3/16, 3/16]]: Frobenius norm 4·(3/16)² under the root = 3/8.
  CHECK(s.jacobian_norm == doctest::Approx(0.375));
  const RowStats c = chunked_stats({0, ln3}, 1);
  CHECK(c.entropy == doctest::Approx(s.entropy));
  CHECK(c.jacobian_norm == doctest::Approx(s.jacobian_norm));
}

TEST_CASE("a nearly one-hot row keeps its small Jacobian norm and entropy (no cancellation)") {
  // Scores 0 and 20: p₁ = e⁻²⁰/(1 + e⁻²⁰) ≈ 2.06e−9. ‖J‖_F ≈ 2·p₁, entropy ≈ p₁(21 − ln p₁)... both far
  // below float32's 1 − p_max resolution, so a formula that subtracts numbers near 1 returns noise.
  const double p1 = std::exp(-20.0) / (1 + std::exp(-20.0)), p2 = 1 - p1;
  const double jacobian = std::sqrt(2 * p1 * p1 * p2 * p2 + 2 * p1 * p1 * p2 * p2);
  const double entropy = -(p1 * std::log(p1) + p2 * std::log(p2));
  for (const RowStats& s : {full_stats({0, 20}), chunked_stats({0, 20}, 1), chunked_stats({20, 0}, 1)}) {
    CHECK(s.jacobian_norm == doctest::Approx(jacobian).epsilon(1e-4));
    CHECK(s.entropy == doctest::Approx(entropy).epsilon(1e-4));
    CHECK(s.max_weight == doctest::Approx(p2));
  }
}

TEST_CASE("a masked row counts its masked keys and takes statistics over the rest only") {
  const float neg_inf = -std::numeric_limits<float>::infinity();
  std::vector<float> scaled{5, 1, 3, 9}, masked{neg_inf, 1, 3, neg_inf}, p(4);
  const RowStats s = softmax_row(scaled.data(), masked.data(), p.data(), 4, {0, 4}, true);
  CHECK(s.masked_keys == 2);
  CHECK(s.mean == doctest::Approx(2));
  CHECK(s.std == doctest::Approx(1));
  CHECK(p[0] == 0);
  CHECK(p[3] == 0);
  CHECK(p[2] == doctest::Approx(1 / (1 + std::exp(-2.0))));
  // A row whose one allowed key is itself: weight 1, entropy 0, Jacobian 0.
  const RowStats one = softmax_row(scaled.data(), scaled.data(), p.data(), 4, {2, 3}, false);
  CHECK(one.masked_keys == 3);
  CHECK(one.max_weight == 1);
  CHECK(one.entropy == 0);
  CHECK(one.jacobian_norm == 0);
  CHECK(p[0] == 0);
  CHECK(p[2] == 1);
  // Nothing to attend: flagged, and all zero.
  const RowStats none = softmax_row(scaled.data(), masked.data(), p.data(), 4, {0, 0}, false);
  CHECK(none.fully_masked);
  CHECK(none.masked_keys == 4);
  CHECK(none.max_weight == 0);
  CHECK(p == std::vector<float>(4, 0));
}

TEST_CASE("the running maximum moving up and down across chunks gives the one-chunk statistics") {
  std::vector<float> row;
  for (int j = 0; j < 257; ++j) row.push_back(std::sin(0.37f * j) * (j % 11) + (j == 200 ? 9 : 0));
  const RowStats whole = full_stats(row);
  for (Index chunk : {1, 2, 7, 64, 256, 300}) {
    const RowStats s = chunked_stats(row, chunk);
    INFO("chunk " << chunk);
    CHECK(s.mean == doctest::Approx(whole.mean).epsilon(1e-5));
    CHECK(s.std == doctest::Approx(whole.std).epsilon(1e-5));
    CHECK(s.max_weight == doctest::Approx(whole.max_weight).epsilon(1e-5));
    CHECK(s.entropy == doctest::Approx(whole.entropy).epsilon(1e-5));
    CHECK(s.jacobian_norm == doctest::Approx(whole.jacobian_norm).epsilon(1e-5));
  }
}

TEST_CASE("several keys at the maximum, in any packet and in the last partial one, share its weight") {
  // Three maxima of 2 among 37 zeros: p_max = e²/(3e² + 37), wherever the maxima fall.
  const double top = std::exp(2.0) / (3 * std::exp(2.0) + 37);
  for (const std::vector<int>& at : {std::vector<int>{0, 1, 2}, {5, 17, 39}, {33, 38, 39}}) {
    std::vector<float> row(40, 0.0f), p;
    for (int j : at) row[j] = 2;
    const RowStats s = full_stats(row, &p);
    INFO("maxima at " << at[0] << ", " << at[1] << ", " << at[2]);
    CHECK(s.max_weight == doctest::Approx(top));
    for (int j : at) CHECK(p[j] == doctest::Approx(top));
    CHECK(p[3] == doctest::Approx(1 / (3 * std::exp(2.0) + 37)));
    const double h = -(3 * top * std::log(top)) - 37 * (top / std::exp(2.0)) * std::log(top / std::exp(2.0));
    CHECK(s.entropy == doctest::Approx(h));
    for (Index chunk : {1, 7, 16}) CHECK(chunked_stats(row, chunk).entropy == doctest::Approx(h));
  }
}

TEST_CASE("rows streamed alongside the softmax arrive whole, whatever their length and alignment") {
  for (Index n : {0, 1, 15, 16, 17, 100, 1000}) {
    for (Index offset : {0, 1, 5}) {
      std::vector<float> scaled(n), copy(n + offset, -1.0f), p(n);
      for (Index j = 0; j < n; ++j) scaled[j] = std::sin(0.1f * j);
      RowStream out[1] = {{copy.data() + offset, scaled.data(), n}};
      softmax_row(scaled.data(), scaled.data(), p.data(), n, {0, n}, false, {}, out);
      stream_fence();
      INFO("n " << n << ", offset " << offset);
      CHECK(std::equal(scaled.begin(), scaled.end(), copy.begin() + offset));
      CHECK(std::all_of(copy.begin(), copy.begin() + offset, [](float v) { return v == -1.0f; }));
    }
  }
}

TEST_SUITE_END();
