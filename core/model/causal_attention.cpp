#include "core/model/causal_attention.hpp"

#include <algorithm>
#include <cmath>

#include "core/attention/cpu_backend.hpp"
#include "core/attention/row_pass.hpp"

namespace attnlab {

namespace {

// The keys one query row sees, in place: scaled, soft-capped if so, and their softmax (the row maximum
// subtracted first). head_weights and the cached step's one row share it, so the two agree to the bit.
void seen_weights(float* seen, Index n, const AttentionShape& s) {
  Eigen::Map<Eigen::ArrayXf> a(seen, n);
  a *= static_cast<float>(s.scale);
  if (s.softcap) cap_row(seen, seen, n, static_cast<float>(*s.softcap));
  a = (a - a.maxCoeff()).exp();
  a /= a.sum();
}

}  // namespace

Matrix head_weights(const Matrix& q, const Matrix& k, const AttentionShape& s, Index h, Index first) {
  const Index length = k.rows(), rows = length - first, hd = s.head_dim;
  const Index g = h * s.kv_heads / s.heads;
  Matrix weights(rows, length);
  weights.noalias() = q.block(first, h * hd, rows, hd) * k.middleCols(g * hd, hd).transpose();
  for (Index r = 0; r < rows; ++r) {
    const Index i = first + r;
    // Keys lo ≤ j ≤ i; the rest get weight 0.
    const Index lo = s.window ? std::max<Index>(0, i - *s.window + 1) : 0;
    auto row = weights.row(r);
    seen_weights(row.data() + lo, i - lo + 1, s);
    row.head(lo).setZero();
    row.tail(length - i - 1).setZero();
  }
  return weights;
}

namespace {

// The one query row of a step with a KV cache (or of a pass's last layer): each head's scores straight
// from the cached keys' columns and its output from the values', in place. Copying each head's K and
// V out of the cache first, as a problem for the backend, cost more than the attention itself: at
// 1,000 tokens of GPT-2 small, a ninth of a token's time.
Matrix last_row_attention(const Matrix& q, const Matrix& k, const Matrix& v, const AttentionShape& s) {
  const Index length = k.rows(), hd = s.head_dim, i = length - 1;
  const Index lo = s.window ? std::max<Index>(0, length - *s.window) : 0, seen = length - lo;
  Matrix out(1, s.heads * hd);
  Eigen::VectorXf z(seen);
  for (Index h = 0; h < s.heads; ++h) {
    const Index g = h * s.kv_heads / s.heads;
    // Vectors by type, so that Eigen runs matrix-vector products on this thread: a matrix product
    // would start the cores for each head, which costs more than the product.
    const Eigen::Map<const Eigen::VectorXf> query(q.data() + i * q.cols() + h * hd, hd);
    Eigen::Map<Eigen::VectorXf> output(out.data() + h * hd, hd);
    z.noalias() = k.block(lo, g * hd, seen, hd) * query;
    seen_weights(z.data(), seen, s);
    output.noalias() = v.block(lo, g * hd, seen, hd).transpose() * z;
  }
  return out;
}

}  // namespace

// Each head is one problem for the CPU backend's output-only mode, the lab's FlashAttention path:
// tiles of 128 queries × 256 keys with a running softmax, so a head over L tokens holds its own
// Q, K and V (L × hd each) and its output, never the L × L scores. The layer on screen gets its full
// trace from the engine afterwards, from the Q, K and V the pass keeps.
Matrix causal_attention(const Matrix& q, const Matrix& k, const Matrix& v, const AttentionShape& s, Index first) {
  const Index length = k.rows(), rows = length - first, hd = s.head_dim;
  if (rows == 1) return last_row_attention(q, k, v, s);
  // The rows [first, L) of a causal problem see keys up to their own position: bottom-right causal
  // over the keys [lo, L). In a window the last row alone (the only one asked for after row 0) sees
  // the last W keys, every one of them.
  const Index lo = first > 0 && s.window ? std::max<Index>(0, length - *s.window) : 0;
  if (first > 0 && s.window && rows > 1)
    throw std::logic_error("causal_attention: a window with rows from " + std::to_string(first) + " on");
  Problem head;
  head.mask.kind = first > 0              ? MaskSpec::Kind::causal_bottom_right
                   : s.window.has_value() ? MaskSpec::Kind::window
                                          : MaskSpec::Kind::causal;
  head.mask.param = first == 0 ? s.window.value_or(0) : 0;
  head.scale = ScaleSpec{ScaleSpec::Kind::value, s.scale};
  head.softcap = s.softcap;
  CpuBackend backend;
  Trace trace;
  Matrix out(rows, s.heads * hd);
  for (Index h = 0; h < s.heads; ++h) {
    const Index g = h * s.kv_heads / s.heads;
    head.q = q.block(first, h * hd, rows, hd);
    head.k = k.block(lo, g * hd, length - lo, hd);
    head.v = v.block(lo, g * hd, length - lo, hd);
    backend.compute_output_only(head, trace);
    out.middleCols(h * hd, hd) = trace.output;
  }
  return out;
}

}  // namespace attnlab
