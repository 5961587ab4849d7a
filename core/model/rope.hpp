#pragma once
// Rotary position embedding (RoPE) as Llama applies it to queries and keys: the first rotary_dims of
// each head (all of them but in partial RoPE) in two halves, pair (i, i + r/2) turned by the angle
// position · inv_freq_i (rotate_half); the head's other dimensions pass unchanged.
#include <vector>

#include "core/base/matrix.hpp"
#include "core/model/config.hpp"

namespace attnlab {

// inv_freq_i = θ^(−2i/r) for i < r/2 (r = rotary_dims), rescaled by rope_scaling of type linear,
// llama3 or longrope (whose factors depend on the sequence's `length`) as transformers computes
// them. `local`: gemma3's sliding layers, with their own θ and no scaling.
std::vector<double> rope_inv_freq(const ModelConfig& config, Index length = 0, bool local = false);

// cos and sin of position · inv_freq_i for positions first to length − 1: (length − first) × r/2 each
// (times longrope's attention factor). A step with a KV cache turns its new rows alone: `first` is the
// first new position, `length` the sequence's whole length (longrope's factors depend on it).
struct RopeTables {
  Matrix cos, sin;
};
RopeTables rope_tables(const ModelConfig& config, Index length, bool local = false, Index first = 0);

// Turns every head of x (length × heads·hd, head h in columns [h·hd, (h+1)·hd)) in place:
// x₁' = x₁·cos − x₂·sin, x₂' = x₂·cos + x₁·sin, x₁ and x₂ the two halves of the head's rotary dims.
void apply_rope(Matrix& x, Index heads, Index head_dim, const RopeTables& tables);

}  // namespace attnlab
