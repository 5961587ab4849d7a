#include "core/model/blocks.hpp"

#include <stdexcept>
#include <utility>

#include "core/model/ablation.hpp"
#include "core/model/causal_attention.hpp"
#include "core/model/layer_ops.hpp"
#include "core/model/linear.hpp"

namespace attnlab {
namespace {

// The new rows join the layer's KV cache (every earlier position's q, k and v, kept as they were); in
// a pass from the start there is none yet and they are the whole sequence.
void keep(LayerQKV& kept, LayerQKV& fresh) {
  if (kept.k.rows() == 0) {
    kept = std::move(fresh);
    return;
  }
  for (auto [cache, rows] : {std::pair{&kept.q, &fresh.q}, {&kept.k, &fresh.k}, {&kept.v, &fresh.v},
                             {&kept.q_raw, &fresh.q_raw}, {&kept.k_raw, &fresh.k_raw}}) {
    if (rows->size() == 0) continue;  // no QK-norm: nothing kept before it
    const Index old = cache->rows();
    cache->conservativeResize(old + rows->rows(), Eigen::NoChange);  // row-major: the old rows stay in place
    cache->bottomRows(rows->rows()) = *rows;
  }
}

// The attention of x's rows (the last x.rows() positions of the kept q, k and v) against every kept
// key, the knocked-out heads replaced; x keeps the rows later work needs: all of them, but in the
// last layer only the last position, whose output alone reaches the logits. A head replaced by its
// mean needs every position's output, also in the last layer.
Matrix attend(const ModelConfig& c, Index layer, const Ablation& ablation, const LayerQKV& kept, Matrix& x) {
  const Index length = kept.k.rows(), offset = length - x.rows();
  const Index first = layer == c.layers - 1 ? length - 1 : offset;
  const bool every_row = ablation.mode == AblationMode::mean && ablation.in_layer(layer);
  if (every_row && offset > 0) throw std::logic_error("a head's mean output needs every position: no KV cache");
  Matrix attended = causal_attention(kept.q, kept.k, kept.v, attention_shape(c, layer), every_row ? offset : first);
  ablate_heads(attended, ablation, layer, c.head_dim);
  if (every_row && first > offset) attended = attended.bottomRows(length - first).eval();
  if (first > offset) x = x.bottomRows(length - first).eval();
  return attended;
}

// q, k and v from the normed input: three projections, or phi3's fused one (q rows, then k, then v).
void project_qkv(const ModelConfig& c, const LayerWeights& w, const Matrix& a, LayerQKV& kept) {
  if (w.qkv.empty()) {
    kept.q = linear(a, w.q, w.q_bias);
    kept.k = linear(a, w.k, w.k_bias);
    kept.v = linear(a, w.v, w.v_bias);
    return;
  }
  const Matrix qkv = linear(a, w.qkv, w.qkv_bias);
  const Index Q = c.heads * c.head_dim, KV = c.kv_heads * c.head_dim;
  kept.q = qkv.leftCols(Q);
  kept.k = qkv.middleCols(Q, KV);
  kept.v = qkv.rightCols(KV);
}

// The gated MLP's input to its down projection: act(gate) ⊙ up, from two projections or phi3's one
// (gate rows, then up).
Matrix gated_mlp(const ModelConfig& c, const LayerWeights& w, const Matrix& m) {
  Matrix gate, up;
  if (w.gate_up.empty()) {
    gate = linear(m, w.gate, w.gate_bias);
    up = linear(m, w.up, w.up_bias);
  } else {
    const Matrix both = linear(m, w.gate_up, Weight{});
    gate = both.leftCols(c.intermediate);
    up = both.rightCols(c.intermediate);
  }
  gated(gate, up, c.activation);
  return linear(gate, w.down, w.down_bias);
}

Matrix rms(const ModelConfig& c, const Matrix& x, const Weight& w) {
  return rms_norm(x, w, c.norm_eps, c.norm_offset);
}

}  // namespace

void gpt2_block(const ModelConfig& c, const LayerWeights& w, Index layer, const Ablation& ablation, Matrix& x,
                LayerQKV& kept) {
  const Index E = c.hidden;
  const Matrix a = layer_norm(x, w.attn_norm, w.attn_norm_bias, c.norm_eps);
  const Matrix qkv = conv1d(a, w.qkv, w.qkv_bias);
  LayerQKV fresh{qkv.leftCols(E), qkv.middleCols(E, E), qkv.rightCols(E), {}, {}};  // no QK-norm
  keep(kept, fresh);

  const Matrix attended = attend(c, layer, ablation, kept, x);
  x += conv1d(attended, w.out, w.out_bias);

  const Matrix m = layer_norm(x, w.mlp_norm, w.mlp_norm_bias, c.norm_eps);
  Matrix hidden = conv1d(m, w.fc, w.fc_bias);
  gelu_tanh(hidden);
  x += conv1d(hidden, w.proj, w.proj_bias);
}

void decoder_block(const ModelConfig& c, const LayerWeights& w, Index layer, const Ablation& ablation,
                   const RopeTables* rope, Matrix& x, LayerQKV& kept) {
  LayerQKV fresh;
  project_qkv(c, w, w.attn_norm.empty() ? x : rms(c, x, w.attn_norm), fresh);
  // QK-norm comes before RoPE: the norm sees the projection, RoPE the normed heads.
  if (!w.q_norm.empty()) {
    fresh.q_raw = fresh.q, fresh.k_raw = fresh.k;  // the norm's input, which the lab shows beside its output
    rms_norm_groups(fresh.q, w.q_norm, c.norm_eps, c.norm_offset);
    rms_norm_groups(fresh.k, w.k_norm, c.norm_eps, c.norm_offset);
  }
  if (rope) {
    apply_rope(fresh.q, c.heads, c.head_dim, *rope);
    apply_rope(fresh.k, c.kv_heads, c.head_dim, *rope);
  }
  keep(kept, fresh);
  const Matrix attended = attend(c, layer, ablation, kept, x);
  const Matrix out = linear(attended, w.out, w.out_bias);
  x += w.attn_out_norm.empty() ? out : rms(c, out, w.attn_out_norm);
  const Matrix mlp = gated_mlp(c, w, w.mlp_norm.empty() ? x : rms(c, x, w.mlp_norm));
  x += w.mlp_out_norm.empty() ? mlp : rms(c, mlp, w.mlp_out_norm);
}

void neox_block(const ModelConfig& c, const LayerWeights& w, Index layer, const Ablation& ablation,
                const RopeTables& rope, Matrix& x, LayerQKV& kept) {
  const Index length = x.rows(), hd = c.head_dim;
  const Matrix qkv = linear(layer_norm(x, w.attn_norm, w.attn_norm_bias, c.norm_eps), w.qkv, w.qkv_bias);
  // The fused output is [heads, 3·hd] per token: head h's q, k and v side by side.
  LayerQKV fresh{Matrix(length, c.hidden), Matrix(length, c.hidden), Matrix(length, c.hidden), {}, {}};
  for (Index h = 0; h < c.heads; ++h) {
    fresh.q.middleCols(h * hd, hd) = qkv.middleCols(3 * h * hd, hd);
    fresh.k.middleCols(h * hd, hd) = qkv.middleCols(3 * h * hd + hd, hd);
    fresh.v.middleCols(h * hd, hd) = qkv.middleCols(3 * h * hd + 2 * hd, hd);
  }
  apply_rope(fresh.q, c.heads, hd, rope);
  apply_rope(fresh.k, c.heads, hd, rope);
  keep(kept, fresh);
  const Matrix attn = linear(attend(c, layer, ablation, kept, x), w.out, w.out_bias);
  const auto mlp = [&](const Matrix& in) {
    Matrix hidden = linear(layer_norm(in, w.mlp_norm, w.mlp_norm_bias, c.norm_eps), w.fc, w.fc_bias);
    activate(hidden, c.activation);
    return linear(hidden, w.proj, w.proj_bias);
  };
  // Parallel: both read the block's input. Sequential: the MLP reads x after the attention's add.
  if (c.parallel_residual) {
    const Matrix f = mlp(x);
    x += attn;
    x += f;
  } else {
    x += attn;
    x += mlp(x);
  }
}

}  // namespace attnlab
