#pragma once
// A layer of a forward pass as the lab's multi-head problem: exactly what the model dots, so every
// stage, statistic, head view, figure, precision mode and tile applies unchanged.
#include <string>
#include <vector>

#include "core/attention/heads.hpp"
#include "core/model/forward.hpp"

namespace attnlab {

// The model's own mask for layer ℓ: causal, or window:W in a sliding-window layer.
MaskSpec layer_mask(const ModelConfig& config, Index layer);
// The model's own scale for layer ℓ: "sqrt" when it is 1/√hd, "none" when 1, else the number.
ScaleSpec layer_scale(const ModelConfig& config, Index layer);

// H query heads over G KV heads, Q and K after RoPE, V; the layer's mask, scale and soft-cap; `tokens` label
// both queries and keys. Throws InputError for a layer out of range (naming the range).
HeadsProblem layer_problem(const ModelConfig& config, const ForwardPass& pass, Index layer,
                           const std::vector<std::string>& tokens);

}  // namespace attnlab
