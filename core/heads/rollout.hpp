#pragma once
// Attention rollout (Abnar & Zuidema 2020, heads.md): how much each token's input reaches each
// position through every layer, counting the residual connection as half of each layer's mixing.
#include "core/model/forward.hpp"

namespace attnlab {

// Ã_ℓ = ½(Ā_ℓ + I) with Ā_ℓ the mean of layer ℓ's head weights, each row renormalised to sum 1;
// R = Ã_{NL−1} ⋯ Ã_0: L × L, row i over the input positions j ≤ i. Summed in float64.
Matrix attention_rollout(const ModelConfig& config, const ForwardPass& pass);

}  // namespace attnlab
