#pragma once
// The softmax of one query row taken over chunks of keys, FlashAttention style: a running maximum
// m and a running sum ℓ = Σ exp(x − m), rescaled by exp(m_old − m_new) whenever m grows. The full
// trace feeds a row as one chunk; the output-only mode feeds it tile by tile; both get the same
// weights and the same statistics from this one piece of code.
#include <limits>
#include <optional>
#include <span>

#include "core/attention/row_stream.hpp"
#include "core/attention/trace.hpp"
#include "core/base/matrix.hpp"

namespace attnlab {

class OnlineSoftmax {
 public:
  // Adds n keys: x are their masked scores (-inf where masked), t their scaled scores. Writes
  // e = exp(x − m) into `e` (0 where masked), m being the maximum after this chunk. Returns the
  // factor exp(m_old − m_new) by which everything accumulated from earlier chunks (a partial
  // output too) must be multiplied. `maybe_masked` says x may hold -inf (matrix masks). The rows
  // `alongside` are stepped once per packet of the exp loop (see RowStream), not finished.
  float add(const float* x, const float* t, float* e, Index n, bool maybe_masked, std::span<RowStream> alongside = {});

  bool attends() const { return attended_ > 0; }
  double sum() const { return 1.0 + rest_; }  // ℓ: the maximum's own term is exactly exp(0) = 1
  float max() const { return m_; }
  // What turns each e = exp(x − m) into its weight once every key has been added: 1/ℓ; with a sink
  // logit s in the denominator (gpt-oss), exp(m − M) / (ℓ·exp(m − M) + exp(s − M)), M = max(m, s).
  // 0 for a row that attends nothing (then all the weight is the sink's).
  double normaliser(std::optional<float> sink = {}) const;
  // The row's statistics once every key has been added: over the keys, the sink being none of them.
  RowStats stats(Index lk, std::optional<float> sink = {}) const;

 private:
  template <bool maybe_masked>
  float add_chunk(const float* x, const float* t, float* e, Index n, std::span<RowStream> alongside);

  // A finite sentinel, so exp(m_old − m_new) never sees inf − inf.
  float m_ = std::numeric_limits<float>::lowest();
  Index attended_ = 0;
  // Sums over every attended key but the one holding the maximum, whose term is exactly 1: kept
  // apart so a nearly one-hot row does not lose its small terms to cancellation (1 − p_max).
  double rest_ = 0, rest2_ = 0, rest3_ = 0;  // Σ e, Σ e², Σ e³
  double spread_ = 0;                        // Σ e·(x − m) ≤ 0, for the entropy
  double mean_ = 0, m2_ = 0;                 // scaled scores: mean and Σ (t − mean)² (Chan's merge)
};

}  // namespace attnlab
