#pragma once
// The attention inside the forward pass: each query head h over the KV head ⌊h·G/H⌋, scores
// scaled, causal (and, in a sliding-window layer, only the last W keys), softmax, times V.
#include <optional>

#include "core/base/matrix.hpp"

namespace attnlab {

struct AttentionShape {
  Index heads = 1, kv_heads = 1, head_dim = 1;
  double scale = 1;             // the scores' factor
  std::optional<Index> window;  // query i sees key j when i − W < j ≤ i
};

// Query head h's weights over the keys for the query rows [first, L): (L − first) × L, each row
// softmax(scale·q_i·k_jᵀ) over the keys it sees, 0 elsewhere. The one softmax of the forward pass,
// which the head scores and the knock-outs read again.
Matrix head_weights(const Matrix& q, const Matrix& k, const AttentionShape& shape, Index h, Index first);

// q is L × H·hd, k and v L × G·hd. Returns the output of the query rows [first, L) only:
// (L − first) × H·hd, head h in columns [h·hd, (h+1)·hd). The last layer needs the last row alone.
Matrix causal_attention(const Matrix& q, const Matrix& k, const Matrix& v, const AttentionShape& shape, Index first);

}  // namespace attnlab
