// The forward pass's attention runs through the output-only (FlashAttention) path, tile by tile: its
// output against the float64 reference and against the lab's full trace of the same heads, over a
// context of several query blocks and key tiles, causal and in a sliding window, every row and the
// last one alone (what the last layer asks for).
#include <doctest/doctest.h>

#include <random>

#include "core/attention/cpu_backend.hpp"
#include "core/attention/heads.hpp"
#include "core/model/causal_attention.hpp"
#include "tests/model/reference_forward.hpp"

using namespace attnlab;
using namespace model_test;

namespace {

Matrix random_matrix(Index rows, Index cols, std::mt19937_64& rng) {
  std::normal_distribution<float> normal(0, 1);
  Matrix m(rows, cols);
  for (Index i = 0; i < rows; ++i)
    for (Index j = 0; j < cols; ++j) m(i, j) = normal(rng);
  return m;
}

Rows rows_of(const Matrix& m) {
  Rows r(static_cast<std::size_t>(m.rows()), std::vector<double>(static_cast<std::size_t>(m.cols())));
  for (Index i = 0; i < m.rows(); ++i)
    for (Index j = 0; j < m.cols(); ++j) r[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = m(i, j);
  return r;
}

// The worst |got − want| / (tol + tol·|want|) over the rows [first, L) of `want`.
double worst(const Matrix& got, const Rows& want, Index first, double tol) {
  double w = 0;
  for (Index i = 0; i < got.rows(); ++i)
    for (Index j = 0; j < got.cols(); ++j) {
      const double x = want[static_cast<std::size_t>(first + i)][static_cast<std::size_t>(j)];
      w = std::max(w, std::abs(got(i, j) - x) / (tol + tol * std::abs(x)));
    }
  return w;
}

}  // namespace

TEST_SUITE("model/long-context") {
  TEST_CASE("output-only attention equals the float64 reference and the full trace, causal and windowed") {
    // 600 tokens: five blocks of 128 queries, three tiles of 256 keys. Scores of order √hd·3 give
    // peaked rows, where a wrong running maximum or rescale would show at once.
    const Index L = 600, H = 4, G = 2, hd = 8;
    std::mt19937_64 rng(7);
    const Matrix q = random_matrix(L, H * hd, rng) * 1.5f, k = random_matrix(L, G * hd, rng),
                 v = random_matrix(L, G * hd, rng);
    const double scale = 1 / std::sqrt(static_cast<double>(hd));
    for (const std::optional<Index> window : {std::optional<Index>{}, std::optional<Index>{100}}) {
      CAPTURE(window.value_or(0));
      std::vector<Rows> weights;  // every head's, which this test does not read
      const Rows want = detail::attention(rows_of(q), rows_of(k), rows_of(v), H, G, hd, scale,
                                          window ? std::optional<long>(*window) : std::nullopt, weights);
      const AttentionShape shape{H, G, hd, scale, window, std::nullopt};
      const Matrix all = causal_attention(q, k, v, shape, 0);
      REQUIRE(all.rows() == L);
      CHECK(worst(all, want, 0, 2e-5) <= 1);
      const Matrix last = causal_attention(q, k, v, shape, L - 1);
      REQUIRE(last.rows() == 1);
      CHECK(worst(last, want, L - 1, 2e-5) <= 1);

      // The lab's full path over the same heads: every stage, then the output.
      HeadsProblem full;
      full.q = split_heads(q, H), full.k = split_heads(k, G), full.v = split_heads(v, G);
      full.mask = window ? parse_mask("window:" + std::to_string(*window)) : parse_mask("causal");
      full.scale = ScaleSpec{ScaleSpec::Kind::value, scale};
      CpuBackend cpu;
      const Matrix traced = concat_outputs(compute_heads(cpu, full));
      CHECK(worst(traced, want, 0, 2e-5) <= 1);
      CHECK((all - traced).cwiseAbs().maxCoeff() <= 2e-5f * (1 + traced.cwiseAbs().maxCoeff()));
    }
  }
}
