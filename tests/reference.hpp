#pragma once
// An independent float64 reference for the tests: plain loops written from semantics.md, sharing
// no code with the engine (not its mask ranges, not its softmax, not its statistics).
#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "core/attention/problem.hpp"

namespace attnlab::test {

using MatD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct RefStats {
  double mean = 0, std = 0, max_weight = 0, entropy = 0, effective_keys = 0, jacobian_norm = 0;
  double sink_weight = 0;  // the sink's share: 1 − Σ weights
  long masked_keys = 0;
  bool fully_masked = false;
};

struct RefTrace {
  MatD scores, scaled, capped, masked, weights, output;  // capped: with a soft-cap only
  std::vector<RefStats> stats;
};

// The additive mask A(i, j) straight from the spec's table.
inline double ref_mask(const Problem& p, long i, long j) {
  const double blocked = -std::numeric_limits<double>::infinity();
  const long lq = p.lq(), lk = p.lk(), w = p.mask.param;
  switch (p.mask.kind) {
    case MaskSpec::Kind::none: return 0;
    case MaskSpec::Kind::causal: return j <= i ? 0 : blocked;
    case MaskSpec::Kind::causal_bottom_right: return j <= i + (lk - lq) ? 0 : blocked;
    case MaskSpec::Kind::window: return (i - w < j && j <= i) ? 0 : blocked;
    case MaskSpec::Kind::padding: return j < w ? 0 : blocked;
    case MaskSpec::Kind::matrix: return p.mask.additive(i, j);
  }
  return 0;
}

// softmax of one row of masked scores, with its statistics, in float64. A sink logit, when given, is
// one more entry of the row, as gpt-oss's reference concatenates it: it takes part in the maximum and
// the sum, and its weight is dropped. The statistics are over the keys.
inline void ref_softmax_row(const Eigen::RowVectorXd& masked, const Eigen::RowVectorXd& scaled,
                            Eigen::Ref<Eigen::RowVectorXd> weights, RefStats& s, std::optional<double> sink = {}) {
  const long lk = masked.size();
  const double neg_inf = -std::numeric_limits<double>::infinity();
  double mx = sink.value_or(neg_inf);
  for (long j = 0; j < lk; ++j) mx = std::max(mx, masked(j));
  weights.setZero();
  s = RefStats{};
  long n = 0;
  for (long j = 0; j < lk; ++j) {
    s.masked_keys += masked(j) == neg_inf;
    n += masked(j) != neg_inf;
  }
  if (n == 0) {
    s.fully_masked = true;
    s.sink_weight = sink ? 1 : 0;
    return;
  }
  double sum = sink ? std::exp(*sink - mx) : 0;
  for (long j = 0; j < lk; ++j)
    if (masked(j) != neg_inf) sum += std::exp(masked(j) - mx);
  if (sink) s.sink_weight = std::exp(*sink - mx) / sum;
  for (long j = 0; j < lk; ++j)
    if (masked(j) != neg_inf) {
      weights(j) = std::exp(masked(j) - mx) / sum;
      s.mean += scaled(j);
    }
  s.mean /= n;
  for (long j = 0; j < lk; ++j)
    if (masked(j) != neg_inf) s.std += (scaled(j) - s.mean) * (scaled(j) - s.mean);
  s.std = std::sqrt(s.std / n);
  for (long j = 0; j < lk; ++j) {
    const double pj = weights(j);
    s.max_weight = std::max(s.max_weight, pj);
    if (pj > 0) s.entropy -= pj * std::log(pj);
  }
  s.effective_keys = std::exp(s.entropy);
  // ‖diag(p) − p pᵀ‖_F, the matrix written out.
  double f = 0;
  for (long a = 0; a < lk; ++a)
    for (long b = 0; b < lk; ++b) {
      const double jab = (a == b ? weights(a) : 0.0) - weights(a) * weights(b);
      f += jab * jab;
    }
  s.jacobian_norm = std::sqrt(f);
}

// Weights and statistics from a given masked stage (to test the softmax apart from the products).
inline RefTrace ref_softmax(const MatD& masked, const MatD& scaled, std::optional<double> sink = {}) {
  RefTrace r;
  r.weights = MatD::Zero(masked.rows(), masked.cols());
  r.stats.resize(masked.rows());
  for (long i = 0; i < masked.rows(); ++i)
    ref_softmax_row(masked.row(i), scaled.row(i), r.weights.row(i), r.stats[i], sink);
  return r;
}

// Gemma 2's soft-cap, C·tanh(x / C), cell by cell.
inline MatD ref_capped(const MatD& scaled, double softcap) {
  return scaled.unaryExpr([softcap](double x) { return softcap * std::tanh(x / softcap); });
}

inline RefTrace reference(const Problem& p) {
  const long lq = p.lq(), lk = p.lk(), dk = p.dk(), dv = p.dv();
  RefTrace r;
  r.scores = MatD::Zero(lq, lk);
  for (long i = 0; i < lq; ++i)
    for (long j = 0; j < lk; ++j)
      for (long d = 0; d < dk; ++d) r.scores(i, j) += double(p.q(i, d)) * double(p.k(j, d));
  double s = p.scale.kind == ScaleSpec::Kind::sqrt   ? 1.0 / std::sqrt(double(dk))
             : p.scale.kind == ScaleSpec::Kind::none ? 1.0
                                                     : p.scale.value;
  s /= p.temperature;
  r.scaled = s * r.scores;
  if (p.softcap) r.capped = ref_capped(r.scaled, *p.softcap);
  r.masked = p.softcap ? r.capped : r.scaled;
  for (long i = 0; i < lq; ++i)
    for (long j = 0; j < lk; ++j) r.masked(i, j) += ref_mask(p, i, j);
  RefTrace soft = ref_softmax(r.masked, r.scaled, p.sink);
  r.weights = soft.weights;
  r.stats = soft.stats;
  r.output = MatD::Zero(lq, dv);
  for (long i = 0; i < lq; ++i)
    for (long j = 0; j < lk; ++j)
      for (long d = 0; d < dv; ++d) r.output(i, d) += r.weights(i, j) * double(p.v(j, d));
  return r;
}

}  // namespace attnlab::test
