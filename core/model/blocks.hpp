#pragma once
// The transformer blocks the families are built of, each over the residual stream x (one token a
// row), keeping the layer's q, k (after their norm and RoPE) and v, the heads `ablation` lists in this
// layer knocked out of its attention output. In the last layer only the last row goes on (its output
// alone reaches the logits): x comes back with that one row.
// `kept` is the layer's KV cache: empty in a pass from the start, else every earlier position's q, k
// and v; x's rows are the positions after them, their q, k and v are appended, and each of them
// attends over every kept key (RoPE's tables then hold those positions alone).
#include "core/model/forward.hpp"
#include "core/model/rope.hpp"

namespace attnlab {

// gpt2: LayerNorm, Conv1D c_attn (q, k, v side by side), GELU MLP, both residual adds in turn.
void gpt2_block(const ModelConfig& c, const LayerWeights& w, Index layer, const Ablation& ablation, Matrix& x,
                LayerQKV& kept);

// The llama-like decoders: each norm where the weights have one (input, QK-norm per head or over
// the whole q and k, on the attention's output, before and after the MLP), RoPE unless `rope` is
// null (a NoPE layer), separate or fused projections, and a gated MLP.
void decoder_block(const ModelConfig& c, const LayerWeights& w, Index layer, const Ablation& ablation,
                   const RopeTables* rope, Matrix& x, LayerQKV& kept);

// gpt_neox: LayerNorms with biases, the fused projection laid out per head, partial RoPE, a GELU MLP,
// and (use_parallel_residual) x + attn(ln₁x) + mlp(ln₂x).
void neox_block(const ModelConfig& c, const LayerWeights& w, Index layer, const Ablation& ablation,
                const RopeTables& rope, Matrix& x, LayerQKV& kept);

}  // namespace attnlab
