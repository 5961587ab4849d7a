#include "core/online_softmax.hpp"

#include <algorithm>
#include <cmath>

namespace attnlab {
namespace {
using Row = Eigen::Map<Eigen::ArrayXf>;
using ConstRow = Eigen::Map<const Eigen::ArrayXf>;
constexpr float neg_inf = -std::numeric_limits<float>::infinity();

// The first j with x[j] == value: vectorised min-reductions over blocks of 64, stopping at the
// first block that holds it (std::find scans one float at a time).
Index first_index_of(const float* x, Index n, float value) {
  constexpr Index block = 64;
  for (Index b = 0; b < n; b += block) {
    const int len = static_cast<int>(std::min(block, n - b));
    int at = len;
#pragma omp simd reduction(min : at)
    for (int j = 0; j < len; ++j)
      if (x[b + j] == value) at = std::min(at, j);
    if (at < len) return b + at;
  }
  return n;
}
}  // namespace

float OnlineSoftmax::add(const float* x_ptr, const float* t_ptr, float* e_ptr, Index n, bool maybe_masked) {
  const ConstRow x(x_ptr, n), t(t_ptr, n);
  Row e(e_ptr, n);
  const float chunk_max = n > 0 ? x.maxCoeff() : neg_inf;
  if (!(chunk_max > neg_inf)) {  // nothing attendable in this chunk
    e.setZero();
    return 1.0f;
  }

  float rescale = 1.0f;
  Index max_at = -1;  // the new maximum's key within this chunk, when the maximum moves here
  if (chunk_max > m_) {
    rescale = std::exp(m_ - chunk_max);
    if (attended_ > 0) {
      // The old maximum's term (exactly 1) joins the rest, and everything shrinks by `rescale`.
      const double c = rescale, gap = static_cast<double>(m_) - chunk_max;
      spread_ = c * (spread_ + (1.0 + rest_) * gap);
      rest_ = c * (rest_ + 1.0);
      rest2_ = c * c * (rest2_ + 1.0);
      rest3_ = c * c * c * (rest3_ + 1.0);
    }
    m_ = chunk_max;
    max_at = first_index_of(x_ptr, n, chunk_max);
  }

  // Each sum is its own Eigen reduction (several accumulators per pass, no select, which Eigen
  // 3.4 does not vectorise) except where matrix masks leave -inf cells to skip.
  e = (x - m_).exp();
  if (max_at >= 0) e[max_at] = 0.0f;  // the maximum's own term stays out of the sums (see rest_)
  Index count = n;
  double chunk_sum = 0, chunk_m2 = 0;
  if (maybe_masked) {
    const auto open = x > neg_inf;
    e = open.select(e, 0.0f);
    count = open.count();
    chunk_sum = open.select(t, 0.0f).sum();
    const float chunk_mean = static_cast<float>(chunk_sum / count);
    chunk_m2 = open.select((t - chunk_mean).square(), 0.0f).sum();
    spread_ += open.select(e * (x - m_), 0.0f).sum();
  } else {
    chunk_sum = t.sum();
    const float chunk_mean = static_cast<float>(chunk_sum / count);
    chunk_m2 = (t - chunk_mean).square().sum();
    spread_ += (e * (x - m_)).sum();
  }
  rest_ += e.sum();
  rest2_ += e.square().sum();
  rest3_ += e.cube().sum();
  if (max_at >= 0) e[max_at] = 1.0f;

  // Chan et al.'s merge of two (count, mean, M2) summaries.
  const double chunk_mean = chunk_sum / count;
  const double total = static_cast<double>(attended_ + count);
  const double delta = chunk_mean - mean_;
  m2_ += chunk_m2 + delta * delta * static_cast<double>(attended_) * count / total;
  mean_ += delta * count / total;
  attended_ += count;
  return rescale;
}

RowStats OnlineSoftmax::stats(Index lk) const {
  RowStats s;
  s.masked_keys = lk - attended_;
  if (attended_ == 0) {
    s.fully_masked = true;
    return s;
  }
  const double total = 1.0 + rest_;
  const double p_max = 1.0 / total;
  // p_j = e_j / ℓ for the others; q = Σ p², c3 = Σ p³ over them.
  const double q = rest2_ / (total * total), c3 = rest3_ / (total * total * total);
  const double one_minus_p_max = rest_ / total;
  // ‖diag(p) − ppᵀ‖²_F = Σ_j p_j²(1 − p_j)² + Σ_j p_j²(Σ_k p_k² − p_j²), split into the maximum's
  // terms and the others' so that no term is a difference of two numbers near 1.
  const double jacobian2 = p_max * p_max * (one_minus_p_max * one_minus_p_max + q) + q - 2 * c3 + q * q +
                           p_max * p_max * q;
  // H = −Σ p log p = log ℓ − Σ p (x − m).
  const double entropy = std::log1p(rest_) - spread_ / total;
  s.mean = static_cast<float>(mean_);
  s.std = static_cast<float>(std::sqrt(m2_ / static_cast<double>(attended_)));
  s.max_weight = static_cast<float>(p_max);
  s.entropy = static_cast<float>(std::max(0.0, entropy));
  s.effective_keys = static_cast<float>(std::exp(s.entropy));
  s.jacobian_norm = static_cast<float>(std::sqrt(std::max(0.0, jacobian2)));
  return s;
}

}  // namespace attnlab
