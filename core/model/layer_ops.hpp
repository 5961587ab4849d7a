#pragma once
// The row-wise pieces of a transformer block, each over every row of an activation matrix (one
// token per row) in parallel: the two norms and the two activations.
#include "core/base/matrix.hpp"
#include "core/model/weight.hpp"

namespace attnlab {

// LayerNorm: (x − mean) / sqrt(var + eps) · w + b, per row.
Matrix layer_norm(const Matrix& x, const Weight& w, const Weight& b, double eps);
// RMSNorm: x / sqrt(mean(x²) + eps) · w, per row.
Matrix rms_norm(const Matrix& x, const Weight& w, double eps);
// GELU's tanh approximation (gelu_new): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), in place.
void gelu_tanh(Matrix& x);
// The SiLU-gated MLP's middle: gate ← silu(gate) ⊙ up, silu(g) = g·σ(g).
void silu_gate(Matrix& gate, const Matrix& up);

}  // namespace attnlab
