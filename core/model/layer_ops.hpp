#pragma once
// The row-wise pieces of a transformer block, each over every row of an activation matrix (one
// token per row) in parallel: the two norms and the two activations.
#include "core/base/matrix.hpp"
#include "core/model/config.hpp"
#include "core/model/weight.hpp"

namespace attnlab {

// LayerNorm: (x − mean) / sqrt(var + eps) · w + b, per row.
Matrix layer_norm(const Matrix& x, const Weight& w, const Weight& b, double eps);
// RMSNorm: x / sqrt(mean(x²) + eps) · (offset + w), per row (Gemma's offset is 1).
Matrix rms_norm(const Matrix& x, const Weight& w, double eps, float offset = 0);
// QK-norm: RMSNorm over each group of w.size() columns of every row (a head's hd values, or the whole
// row), in place.
void rms_norm_groups(Matrix& x, const Weight& w, double eps, float offset);
// GELU's tanh approximation (gelu_new): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), in place.
void gelu_tanh(Matrix& x);
// The exact GELU: 0.5·x·(1 + erf(x/√2)), in place.
void gelu_erf(Matrix& x);
// The activation alone, in place.
void activate(Matrix& x, Activation activation);
// The gated MLP's middle: gate ← act(gate) ⊙ up (SiLU: g·σ(g); GeGLU: gelu(g)).
void gated(Matrix& gate, const Matrix& up, Activation activation);

}  // namespace attnlab
