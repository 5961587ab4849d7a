#include "core/model/causal_attention.hpp"

#include <algorithm>
#include <cmath>

#include "core/attention/first_error.hpp"

namespace attnlab {

Matrix head_weights(const Matrix& q, const Matrix& k, const AttentionShape& s, Index h, Index first) {
  const Index length = k.rows(), rows = length - first, hd = s.head_dim;
  const Index g = h * s.kv_heads / s.heads;
  const auto scale = static_cast<float>(s.scale);
  Matrix weights(rows, length);
  weights.noalias() = q.block(first, h * hd, rows, hd) * k.middleCols(g * hd, hd).transpose();
  for (Index r = 0; r < rows; ++r) {
    const Index i = first + r;
    // Keys lo ≤ j ≤ i; the rest get weight 0.
    const Index lo = s.window ? std::max<Index>(0, i - *s.window + 1) : 0;
    auto row = weights.row(r);
    auto seen = row.segment(lo, i - lo + 1).array();
    seen *= scale;
    seen = (seen - seen.maxCoeff()).exp();
    seen /= seen.sum();
    row.head(lo).setZero();
    row.tail(length - i - 1).setZero();
  }
  return weights;
}

Matrix causal_attention(const Matrix& q, const Matrix& k, const Matrix& v, const AttentionShape& s, Index first) {
  const Index length = k.rows(), rows = length - first, hd = s.head_dim;
  Matrix out(rows, s.heads * hd);
  // One head per thread: each head's scores are a small product, done by Eigen on that thread. The
  // weights are allocated inside the loop, so an allocation that fails is handed to the caller.
  FirstError error;
#pragma omp parallel for schedule(dynamic)
  for (Index h = 0; h < s.heads; ++h)
    error.run([&] {
      const Index g = h * s.kv_heads / s.heads;
      out.middleCols(h * hd, hd).noalias() = head_weights(q, k, s, h, first) * v.middleCols(g * hd, hd);
    });
  error.rethrow();
  return out;
}

}  // namespace attnlab
