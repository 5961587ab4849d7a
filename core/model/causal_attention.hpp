#pragma once
// The attention inside the forward pass: each query head h over the KV head ⌊h·G/H⌋, scores
// scaled (and soft-capped, Gemma 2), causal (and, in a sliding-window layer, only the last W keys),
// softmax, times V; through the lab's output-only (FlashAttention) path, so that L tokens cost O(L)
// memory, not L × L.
#include <optional>

#include "core/base/matrix.hpp"

namespace attnlab {

struct AttentionShape {
  Index heads = 1, kv_heads = 1, head_dim = 1;
  double scale = 1;             // the scores' factor
  std::optional<Index> window;  // query i sees key j when i − W < j ≤ i
  std::optional<double> softcap;  // the scaled scores become C·tanh(s/C) before the mask
};

// Query head h's weights over the keys for the query rows [first, L): (L − first) × L, each row
// softmax(scale·q_i·k_jᵀ, soft-capped if so) over the keys it sees, 0 elsewhere, in float32 as the
// pass's own attention computes them; the head scores, the rollout and the knock-outs read them from
// the kept Q and K.
Matrix head_weights(const Matrix& q, const Matrix& k, const AttentionShape& shape, Index h, Index first);

// q is L × H·hd, k and v L × G·hd. Returns the output of the query rows [first, L) only:
// (L − first) × H·hd, head h in columns [h·hd, (h+1)·hd). The last layer needs the last row alone:
// `first` is 0 or L − 1 (with a window, other rows are a logic_error).
Matrix causal_attention(const Matrix& q, const Matrix& k, const Matrix& v, const AttentionShape& shape, Index first);

}  // namespace attnlab
