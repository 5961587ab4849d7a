#pragma once
// Rotary position embedding (RoPE) as Llama applies it to queries and keys: each head's dimensions
// in two halves, pair (i, i + hd/2) turned by the angle position · inv_freq_i (rotate_half).
#include <vector>

#include "core/base/matrix.hpp"
#include "core/model/config.hpp"

namespace attnlab {

// inv_freq_i = θ^(−2i/hd) for i < hd/2, rescaled by rope_scaling of type llama3 when configured
// (as transformers' _compute_llama3_parameters).
std::vector<double> rope_inv_freq(const ModelConfig& config);

// cos and sin of position · inv_freq_i for positions 0 to length − 1: length × hd/2 each.
struct RopeTables {
  Matrix cos, sin;
};
RopeTables rope_tables(const ModelConfig& config, Index length);

// Turns every head of x (length × heads·hd, head h in columns [h·hd, (h+1)·hd)) in place:
// x₁' = x₁·cos − x₂·sin, x₂' = x₂·cos + x₁·sin, x₁ and x₂ the head's two halves.
void apply_rope(Matrix& x, Index heads, const RopeTables& tables);

}  // namespace attnlab
