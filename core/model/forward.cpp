#include "core/model/forward.hpp"

#include <malloc.h>

#include <cmath>
#include <stdexcept>

#include "core/attention/first_error.hpp"
#include "core/model/blocks.hpp"
#include "core/model/layer_ops.hpp"
#include "core/model/widen.hpp"

namespace attnlab {
namespace {

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

// The layer's new rows alone (a step with a KV cache checked the earlier ones when they were new).
void check_layer(const Model& model, Index layer, const LayerQKV& kept, Index rows, const Matrix& x) {
  const auto check = [&](const char* what, const Matrix& m) {
    check_finite(model, layer, what, m.data() + (m.rows() - rows) * m.cols(), rows * m.cols());
  };
  check("its queries", kept.q);
  check("its keys", kept.k);
  check("its values", kept.v);
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
  if (c.query_pre_attn_scalar) return 1 / std::sqrt(*c.query_pre_attn_scalar);
  double scale = 1 / std::sqrt(static_cast<double>(c.head_dim));
  if (c.architecture == Architecture::gpt2) {
    if (!c.scale_attn_weights) scale = 1;
    if (c.scale_by_inverse_layer) scale /= static_cast<double>(layer + 1);
  }
  return scale;
}

AttentionShape attention_shape(const ModelConfig& c, Index layer) {
  AttentionShape s{c.heads, c.kv_heads, c.head_dim, attention_scale(c, layer), std::nullopt, c.attn_logit_softcap};
  if (c.slides(layer)) s.window = c.sliding_window;
  return s;
}

namespace {

// Appends x's rows to m's.
void append_rows(Matrix& m, const Matrix& x) {
  if (m.rows() == 0) {
    m = x;
    return;
  }
  m.conservativeResize(m.rows() + x.rows(), Eigen::NoChange);
  m.bottomRows(x.rows()) = x;
}

// The residual stream entering layer 0 for positions [first, first + ids): token and position embeddings.
Matrix embed(const Model& model, const std::vector<std::int64_t>& ids, Index first) {
  const ModelConfig& c = model.config;
  Matrix x(static_cast<Index>(ids.size()), c.hidden);
  WeightTile tile;
  for (Index i = 0; i < x.rows(); ++i) {
    x.row(i) = model.embed.rows(ids[static_cast<std::size_t>(i)], 1, tile);
    if (c.embed_scale != 1) x.row(i) *= c.embed_scale;
    if (!model.positions.empty()) x.row(i) += model.positions.rows(first + i, 1, tile);
  }
  return x;
}

// Layers [from, NL) on the residual stream x, then the logits. x holds the positions from `offset`
// on: every one in a pass from the start, the new ones in a step whose earlier positions' q, k and v
// the pass's layers already keep (its KV cache).
void run_layers(const Model& model, Matrix x, Index from, Index offset, const ForwardOptions& options,
                const ModelProgress& progress, ForwardPass& pass) {
  const ModelConfig& c = model.config;
  const bool gpt2 = c.architecture == Architecture::gpt2, neox = c.architecture == Architecture::gpt_neox;
  const Index rows = x.rows(), length = offset + rows;
  // Every layer turns by the same tables, but gemma3's sliding layers by their own θ, and NoPE layers not at all.
  const RopeTables rope = gpt2 ? RopeTables{} : rope_tables(c, length, false, offset);
  const RopeTables local = c.rope_local_theta ? rope_tables(c, length, true, offset) : RopeTables{};
  if (options.keep_inputs) pass.inputs.resize(static_cast<std::size_t>(c.layers));
  for (Index l = from; l < c.layers; ++l) {
    if (progress) progress("the forward pass", l, c.layers);
    if (options.keep_inputs) append_rows(pass.inputs[static_cast<std::size_t>(l)], x);
    const LayerWeights& w = model.layers[static_cast<std::size_t>(l)];
    LayerQKV& kept = pass.layers[static_cast<std::size_t>(l)];
    const Ablation& ablation = options.ablation;
    const RopeTables* turn = c.nope(l) ? nullptr : c.rope_local_theta && c.slides(l) ? &local : &rope;
    if (gpt2) gpt2_block(c, w, l, ablation, x, kept);
    else if (neox) neox_block(c, w, l, ablation, rope, x, kept);
    else decoder_block(c, w, l, ablation, turn, x, kept);
    check_layer(model, l, kept, rows, x);
  }
  const Matrix final_row = gpt2 || neox ? layer_norm(x, model.final_norm, model.final_norm_bias, c.norm_eps)
                                        : rms_norm(x, model.final_norm, c.norm_eps, c.norm_offset);
  pass.logits = output_logits(model.output(), final_row);
  // Gemma 2's (and any gemma3's that sets it) c·tanh(z/c) on the logits.
  if (c.final_logit_softcap) {
    const auto cap = static_cast<float>(*c.final_logit_softcap);
    pass.logits = ((pass.logits.array() / cap).tanh() * cap).matrix();
  }
  check_finite(model, c.layers - 1, "the next token's logits", pass.logits.data(), pass.logits.size());
}

}  // namespace

ForwardPass forward(const Model& model, const std::vector<std::int64_t>& ids, const ModelProgress& progress,
                    const ForwardOptions& options) {
  check_token_ids(model, ids);
  keep_freed_memory();
  ForwardPass pass;
  pass.layers.resize(static_cast<std::size_t>(model.config.layers));
  run_layers(model, embed(model, ids, 0), 0, 0, options, progress, pass);
  return pass;
}

void forward_step(const Model& model, ForwardPass& pass, std::int64_t id, const ForwardOptions& options) {
  const ModelConfig& c = model.config;
  if (pass.layers.size() != static_cast<std::size_t>(c.layers) || pass.layers.front().k.rows() == 0)
    throw std::logic_error("forward_step needs a pass of this model to extend");
  if (options.ablation.mode == AblationMode::mean && !options.ablation.empty())
    throw std::logic_error("forward_step: a head's mean output changes every earlier position; run forward again");
  if (options.keep_inputs != (pass.inputs.size() == pass.layers.size()))
    throw std::logic_error("forward_step: keep_inputs must match the pass's");
  const Index offset = pass.layers.front().k.rows();
  if (offset >= c.positions)
    throw InputError(std::to_string(offset + 1) + " tokens are more than the model's " + std::to_string(c.positions) +
                     " positions");
  if (id < 0 || id >= c.vocab)
    throw InputError("token id " + std::to_string(id) + " is outside the vocabulary: ids run from 0 to " +
                     std::to_string(c.vocab - 1));
  run_layers(model, embed(model, {id}, offset), 0, offset, options, {}, pass);
}

void drop_last_tokens(ForwardPass& pass, Index length) {
  const auto cut = [length](Matrix& m) {
    if (m.rows() > length) m.conservativeResize(length, Eigen::NoChange);
  };
  for (LayerQKV& layer : pass.layers)
    for (Matrix* m : {&layer.q, &layer.k, &layer.v, &layer.q_raw, &layer.k_raw}) cut(*m);
  for (Matrix& input : pass.inputs) cut(input);
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
  run_layers(model, before.inputs[static_cast<std::size_t>(from)], from, 0, {ablation, true}, progress, pass);
  return pass;
}

}  // namespace attnlab
