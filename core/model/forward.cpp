#include "core/model/forward.hpp"

#include <malloc.h>

#include <cmath>
#include <stdexcept>

#include "core/attention/first_error.hpp"
#include "core/model/causal_attention.hpp"
#include "core/model/layer_ops.hpp"
#include "core/model/linear.hpp"
#include "core/model/rope.hpp"
#include "core/model/widen.hpp"

namespace attnlab {
namespace {

// The rows of a block that later work needs: all of them, but in the last layer only the last
// position, whose output alone reaches the logits.
Index first_row(const ModelConfig& c, Index layer, Index length) {
  return layer == c.layers - 1 ? length - 1 : 0;
}

// The layer's attention output for the rows later work needs, the knocked-out heads replaced. A
// head replaced by its mean needs every position's output, also in the last layer.
Matrix attend(const ModelConfig& c, Index layer, const LayerQKV& kept, const Ablation& ablation, Index first) {
  const bool every_row = ablation.mode == AblationMode::mean && ablation.in_layer(layer);
  Matrix attended = causal_attention(kept.q, kept.k, kept.v, attention_shape(c, layer), every_row ? 0 : first);
  ablate_heads(attended, ablation, layer, c.head_dim);
  if (every_row && first > 0) attended = attended.bottomRows(attended.rows() - first).eval();
  return attended;
}

void gpt2_block(const ModelConfig& c, const LayerWeights& w, Index layer, const Ablation& ablation, Matrix& x,
                LayerQKV& kept) {
  const Index length = x.rows(), E = c.hidden;
  const Matrix a = layer_norm(x, w.attn_norm, w.attn_norm_bias, c.norm_eps);
  const Matrix qkv = conv1d(a, w.qkv, w.qkv_bias);
  kept.q = qkv.leftCols(E);
  kept.k = qkv.middleCols(E, E);
  kept.v = qkv.rightCols(E);

  const Index first = first_row(c, layer, length);
  const Matrix attended = attend(c, layer, kept, ablation, first);
  if (first > 0) x = x.bottomRows(length - first).eval();
  x += conv1d(attended, w.out, w.out_bias);

  const Matrix m = layer_norm(x, w.mlp_norm, w.mlp_norm_bias, c.norm_eps);
  Matrix hidden = conv1d(m, w.fc, w.fc_bias);
  gelu_tanh(hidden);
  x += conv1d(hidden, w.proj, w.proj_bias);
}

void llama_block(const ModelConfig& c, const LayerWeights& w, Index layer, const Ablation& ablation,
                 const RopeTables& rope, Matrix& x, LayerQKV& kept) {
  const Index length = x.rows();
  const Matrix a = rms_norm(x, w.attn_norm, c.norm_eps);
  kept.q = linear(a, w.q, w.q_bias);
  kept.k = linear(a, w.k, w.k_bias);
  kept.v = linear(a, w.v, w.v_bias);
  apply_rope(kept.q, c.heads, rope);
  apply_rope(kept.k, c.kv_heads, rope);

  const Index first = first_row(c, layer, length);
  const Matrix attended = attend(c, layer, kept, ablation, first);
  if (first > 0) x = x.bottomRows(length - first).eval();
  x += linear(attended, w.out, w.out_bias);

  const Matrix m = rms_norm(x, w.mlp_norm, c.norm_eps);
  Matrix gate = linear(m, w.gate, w.gate_bias);
  silu_gate(gate, linear(m, w.up, w.up_bias));
  x += linear(gate, w.down, w.down_bias);
}

// logits = W·h for the one final row h: a matrix-vector product over the vocabulary, in blocks of
// rows across the cores (Eigen runs a product with one vector on one thread), each block a tile of
// the weight (a 16-bit one widened there).
Eigen::VectorXf output_logits(const Weight& output, const Matrix& final_row) {
  const Eigen::VectorXf h = final_row.row(0).transpose();
  Eigen::VectorXf logits(output.rows());
  constexpr Index kRows = 256;
  const Index blocks = (output.rows() + kRows - 1) / kRows;
  FirstError error;
#pragma omp parallel
  {
    WeightTile tile;
#pragma omp for schedule(static)
    for (Index b = 0; b < blocks; ++b)
      error.run([&] {
        const Index first = b * kRows, count = std::min(kRows, output.rows() - first);
        logits.segment(first, count).noalias() = output.rows(first, count, tile) * h;
      });
  }
  error.rethrow();
  return logits;
}

// A forward pass allocates and frees the same few megabytes per layer (activations, and Eigen's
// packing buffers inside every product). By default glibc hands such blocks back to the kernel on
// free, and every new page then costs a fault, about 15 µs on a virtual machine: a fifth of the
// pass. Kept in the heap instead, the pages are faulted once per process.
void keep_freed_memory() {
  static const bool kept = [] {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    return true;
  }();
  (void)kept;
}

// Finite weights can still overflow float32 on the way (activations past 3.4·10³⁸): the first layer
// where that happens is named, rather than NaN reaching the figures.
void check_finite(const Model& model, Index layer, const char* what, const float* values, Index count) {
  if (!first_non_finite(values, static_cast<std::size_t>(count))) return;
  throw InputError("the forward pass of " + model.folder.string() + " overflows float32 in layer " +
                   std::to_string(layer) + " (" + what + " hold NaN or ±inf): its weights give no finite result " +
                   "for these tokens");
}

void check_layer(const Model& model, Index layer, const LayerQKV& kept, const Matrix& x) {
  check_finite(model, layer, "its queries", kept.q.data(), kept.q.size());
  check_finite(model, layer, "its keys", kept.k.data(), kept.k.size());
  check_finite(model, layer, "its values", kept.v.data(), kept.v.size());
  check_finite(model, layer, "its outputs", x.data(), x.size());
}

}  // namespace

void check_token_ids(const Model& model, const std::vector<std::int64_t>& ids) {
  const ModelConfig& c = model.config;
  if (ids.empty()) throw InputError("no tokens: the model needs at least one");
  if (static_cast<Index>(ids.size()) > c.positions)
    throw InputError(std::to_string(ids.size()) + " tokens are more than the model's " + std::to_string(c.positions) +
                     " positions (" +
                     (c.architecture == Architecture::gpt2 ? "n_positions" : "max_position_embeddings") + " in " +
                     (model.folder / "config.json").string() + ")");
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] < 0 || ids[i] >= c.vocab)
      throw InputError("token id " + std::to_string(ids[i]) + " (token " + std::to_string(i) +
                       ") is outside the vocabulary: ids run from 0 to " + std::to_string(c.vocab - 1));
}

double attention_scale(const ModelConfig& c, Index layer) {
  double scale = 1 / std::sqrt(static_cast<double>(c.head_dim));
  if (c.architecture == Architecture::gpt2) {
    if (!c.scale_attn_weights) scale = 1;
    if (c.scale_by_inverse_layer) scale /= static_cast<double>(layer + 1);
  }
  return scale;
}

AttentionShape attention_shape(const ModelConfig& c, Index layer) {
  AttentionShape s{c.heads, c.kv_heads, c.head_dim, attention_scale(c, layer), std::nullopt};
  if (c.slides(layer)) s.window = c.sliding_window;
  return s;
}

namespace {

// Layers [from, NL) on the residual stream x (every position), then the logits.
void run_layers(const Model& model, Matrix x, Index from, const ForwardOptions& options, const ModelProgress& progress,
                ForwardPass& pass) {
  const ModelConfig& c = model.config;
  const RopeTables rope = c.architecture == Architecture::llama ? rope_tables(c, x.rows()) : RopeTables{};
  if (options.keep_inputs) pass.inputs.resize(static_cast<std::size_t>(c.layers));
  for (Index l = from; l < c.layers; ++l) {
    if (progress) progress("the forward pass", l, c.layers);
    if (options.keep_inputs) pass.inputs[static_cast<std::size_t>(l)] = x;
    const LayerWeights& w = model.layers[static_cast<std::size_t>(l)];
    LayerQKV& kept = pass.layers[static_cast<std::size_t>(l)];
    if (c.architecture == Architecture::gpt2) gpt2_block(c, w, l, options.ablation, x, kept);
    else llama_block(c, w, l, options.ablation, rope, x, kept);
    check_layer(model, l, kept, x);
  }
  const Matrix final_row = c.architecture == Architecture::gpt2
                               ? layer_norm(x, model.final_norm, model.final_norm_bias, c.norm_eps)
                               : rms_norm(x, model.final_norm, c.norm_eps);
  pass.logits = output_logits(model.output(), final_row);
  check_finite(model, c.layers - 1, "the next token's logits", pass.logits.data(), pass.logits.size());
}

}  // namespace

ForwardPass forward(const Model& model, const std::vector<std::int64_t>& ids, const ModelProgress& progress,
                    const ForwardOptions& options) {
  check_token_ids(model, ids);
  keep_freed_memory();
  const ModelConfig& c = model.config;
  const auto length = static_cast<Index>(ids.size());
  Matrix x(length, c.hidden);
  WeightTile tile;
  for (Index i = 0; i < length; ++i) {
    x.row(i) = model.embed.rows(ids[static_cast<std::size_t>(i)], 1, tile);
    if (!model.positions.empty()) x.row(i) += model.positions.rows(i, 1, tile);
  }
  ForwardPass pass;
  pass.layers.resize(static_cast<std::size_t>(c.layers));
  run_layers(model, std::move(x), 0, options, progress, pass);
  return pass;
}

ForwardPass ablated_forward(const Model& model, const ForwardPass& before, const Ablation& ablation,
                            const ModelProgress& progress) {
  if (ablation.empty()) return before;
  const Index from = ablation.first_layer();
  if (before.inputs.size() != before.layers.size())
    throw std::logic_error("ablated_forward needs a pass that kept its layers' inputs");
  ForwardPass pass;
  pass.layers.assign(before.layers.begin(), before.layers.begin() + from);  // below the first knocked-out head
  pass.layers.resize(before.layers.size());
  pass.inputs.assign(before.inputs.begin(), before.inputs.begin() + from);
  run_layers(model, before.inputs[static_cast<std::size_t>(from)], from, {ablation, true}, progress, pass);
  return pass;
}

}  // namespace attnlab
