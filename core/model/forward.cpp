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
// Rows past `length` dropped: a token taken back, or the rows of a run that did not finish.
void keep_rows(Matrix& m, Index length) {
  if (m.rows() > length) m.conservativeResize(length, Eigen::NoChange);
}

// A layer's q, k and v (and before a QK-norm) with their rows past `length` dropped.
void keep_rows(LayerQKV& layer, Index length) {
  for (Matrix* m : {&layer.q, &layer.k, &layer.v, &layer.q_raw, &layer.k_raw}) keep_rows(*m, length);
}

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

}  // namespace

ForwardPass forward(const Model& model, const std::vector<std::int64_t>& ids, const ModelProgress& progress,
                    const ForwardOptions& options) {
  check_token_ids(model, ids);
  keep_freed_memory();
  ForwardPass pass;
  pass.layers.resize(static_cast<std::size_t>(model.config.layers));
  LayerRun run(model, pass, embed(model, ids, 0), 0, 0, options, progress);
  run.finish();
  return pass;
}

void forward_step(const Model& model, ForwardPass& pass, std::int64_t id, const ForwardOptions& options) {
  LayerRun(model, pass, id, options).finish();
}

LayerRun::LayerRun(const Model& model, ForwardPass& pass, std::int64_t id, const ForwardOptions& options)
    : model_(&model), pass_(&pass), options_(options) {
  const ModelConfig& c = model.config;
  if (pass.layers.size() != static_cast<std::size_t>(c.layers) || pass.layers.front().k.rows() == 0)
    throw std::logic_error("forward_step needs a pass of this model to extend");
  if (options.ablation.mode == AblationMode::mean && !options.ablation.empty())
    throw std::logic_error("forward_step: a head's mean output changes every earlier position; run forward again");
  if (options.keep_inputs != (pass.inputs.size() == pass.layers.size()))
    throw std::logic_error("forward_step: keep_inputs must match the pass's");
  offset_ = pass.layers.front().k.rows();
  if (offset_ >= c.positions)
    throw InputError(std::to_string(offset_ + 1) + " tokens are more than the model's " + std::to_string(c.positions) +
                     " positions");
  if (id < 0 || id >= c.vocab)
    throw InputError("token id " + std::to_string(id) + " is outside the vocabulary: ids run from 0 to " +
                     std::to_string(c.vocab - 1));
  start(embed(model, {id}, offset_));
}

LayerRun::LayerRun(const Model& model, ForwardPass& pass, Matrix x, Index from, Index offset,
                   const ForwardOptions& options, const ModelProgress& progress)
    : model_(&model), pass_(&pass), options_(options), progress_(progress), from_(from), offset_(offset) {
  start(std::move(x));
}

void LayerRun::start(Matrix x) {
  const ModelConfig& c = model_->config;
  x_ = std::move(x);
  layer_ = from_;
  const Index length = offset_ + x_.rows();
  // Every layer turns by the same tables, but gemma3's sliding layers by their own θ, and NoPE layers not at all.
  if (c.architecture != Architecture::gpt2) rope_ = rope_tables(c, length, false, offset_);
  if (c.rope_local_theta) local_ = rope_tables(c, length, true, offset_);
  if (options_.keep_inputs) pass_->inputs.resize(static_cast<std::size_t>(c.layers));
}

LayerRun::~LayerRun() {
  if (finished_) return;
  // The rows this run appended, in the layers it ran: a layer's rows past `offset_` are its own.
  for (Index l = from_; l < layer_; ++l) {
    keep_rows(pass_->layers[static_cast<std::size_t>(l)], offset_);
    if (options_.keep_inputs) keep_rows(pass_->inputs[static_cast<std::size_t>(l)], offset_);
  }
}

void LayerRun::finish() {
  while (!next()) {
  }
}

Index LayerRun::parts() const {
  return model_->config.layers - from_ + 1;
}

bool LayerRun::next() {
  const ModelConfig& c = model_->config;
  if (finished_) return true;
  if (layer_ == c.layers) {
    logits();
    return finished_ = true;
  }
  const Index l = layer_;
  if (progress_) progress_("the forward pass", l, c.layers);
  if (options_.keep_inputs) append_rows(pass_->inputs[static_cast<std::size_t>(l)], x_);
  ++layer_;  // from here on the layer holds rows of this run, which an unfinished run takes back
  const LayerWeights& w = model_->layers[static_cast<std::size_t>(l)];
  LayerQKV& kept = pass_->layers[static_cast<std::size_t>(l)];
  const Ablation& ablation = options_.ablation;
  const RopeTables* turn = c.nope(l) ? nullptr : c.rope_local_theta && c.slides(l) ? &local_ : &rope_;
  if (c.architecture == Architecture::gpt2) gpt2_block(c, w, l, ablation, x_, kept);
  else if (c.architecture == Architecture::gpt_neox) neox_block(c, w, l, ablation, rope_, x_, kept);
  else decoder_block(c, w, l, ablation, turn, x_, kept);
  check_layer(*model_, l, kept, x_.rows(), x_);
  return false;
}

void LayerRun::logits() {
  const ModelConfig& c = model_->config;
  const bool layer_norm_model = c.architecture == Architecture::gpt2 || c.architecture == Architecture::gpt_neox;
  const Matrix final_row = layer_norm_model ? layer_norm(x_, model_->final_norm, model_->final_norm_bias, c.norm_eps)
                                            : rms_norm(x_, model_->final_norm, c.norm_eps, c.norm_offset);
  Eigen::VectorXf logits = output_logits(model_->output(), final_row);
  // Gemma 2's (and any gemma3's that sets it) c·tanh(z/c) on the logits.
  if (c.final_logit_softcap) {
    const auto cap = static_cast<float>(*c.final_logit_softcap);
    logits = ((logits.array() / cap).tanh() * cap).matrix();
  }
  check_finite(*model_, c.layers - 1, "the next token's logits", logits.data(), logits.size());
  pass_->logits = std::move(logits);
}

void drop_last_tokens(ForwardPass& pass, Index length) {
  for (LayerQKV& layer : pass.layers) keep_rows(layer, length);
  for (Matrix& input : pass.inputs) keep_rows(input, length);
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
  LayerRun run(model, pass, before.inputs[static_cast<std::size_t>(from)], from, 0, {ablation, true}, progress);
  run.finish();
  return pass;
}

}  // namespace attnlab
