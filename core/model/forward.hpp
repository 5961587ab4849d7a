#pragma once
// One forward pass over a sequence of token ids that keeps what the lab shows: every layer's Q, K
// (after RoPE) and V, and the logits of the last position (the next token's).
#include <cstdint>
#include <vector>

#include "core/base/matrix.hpp"
#include "core/model/ablation.hpp"
#include "core/model/causal_attention.hpp"
#include "core/model/model.hpp"
#include "core/model/rope.hpp"

namespace attnlab {

// Model-width, one token per row: q is L × H·hd, k and v L × G·hd; head h in columns [h·hd, (h+1)·hd).
struct LayerQKV {
  Matrix q, k, v;
  // With a QK-norm (qwen3, gemma3, olmo2): q and k as projected, before the norm (qk_norm.hpp shows both
  // sides); empty otherwise.
  Matrix q_raw, k_raw;
};

struct ForwardPass {
  std::vector<LayerQKV> layers;
  Eigen::VectorXf logits;  // vocab entries: the last position's
  // The residual stream entering each layer (L × E), when kept: what a knock-out starts again from.
  std::vector<Matrix> inputs;
};

struct ForwardOptions {
  Ablation ablation;         // heads knocked out (checked against the model: check_ablation)
  bool keep_inputs = false;  // keep every layer's input, so that ablated_forward can start from it
};

// Throws InputError: no ids, more ids than the model's positions (both numbers), an id outside the
// vocabulary.
void check_token_ids(const Model& model, const std::vector<std::int64_t>& ids);

// The factor layer ℓ's scores get: 1/√hd (gemma2, gemma3: query_pre_attn_scalar^−½); gpt2 without
// scale_attn_weights 1, and / (ℓ + 1) when scale_attn_by_inverse_layer_idx.
double attention_scale(const ModelConfig& config, Index layer);

// Layer ℓ's attention as the forward pass runs it: the heads, the scale, the sliding window and the
// soft-cap if any.
AttentionShape attention_shape(const ModelConfig& config, Index layer);

// Checks the ids, then runs the model on every core, saying how far it is before each layer.
ForwardPass forward(const Model& model, const std::vector<std::int64_t>& ids, const ModelProgress& progress = {},
                    const ForwardOptions& options = {});
// One more token through the model with a KV cache: `pass` (of this model, with the same options)
// keeps every earlier position's q, k and v in each layer; the token's own are appended, its one query
// row per head attends over them, and the logits become the next token's. The earlier rows are never
// computed again: a token costs O(L), not a pass over all L. Throws InputError for an id outside the
// vocabulary or a sequence longer than the model's positions. A mean knock-out changes every earlier
// position when a token joins (the mean is over all of them): such a pass cannot be extended
// (logic_error), run forward again.
void forward_step(const Model& model, ForwardPass& pass, std::int64_t id, const ForwardOptions& options = {});

// Layers run one call at a time, then the logits: forward_step's token spread over calls, so that a
// page with one thread can make it over several frames, each frame a bounded amount of work. Every
// pass is this loop (forward and forward_step run it to the end), so a token made part by part is
// the one-shot step's, bit for bit. A layer's rows join `pass` as it runs; destroyed unfinished (a
// cancelled token, or an error on the way), it takes them back and the pass is as it was.
class LayerRun {
 public:
  // forward_step's token: its checks (throws as it does) and its embedding; no layer run yet.
  LayerRun(const Model& model, ForwardPass& pass, std::int64_t id, const ForwardOptions& options = {});
  // Layers [from, NL) on the residual stream x, which holds the positions from `offset` on: every one
  // in a pass from the start, the new ones in a step whose earlier positions the layers keep.
  LayerRun(const Model& model, ForwardPass& pass, Matrix x, Index from, Index offset, const ForwardOptions& options,
           const ModelProgress& progress = {});
  LayerRun(const LayerRun&) = delete;
  LayerRun& operator=(const LayerRun&) = delete;
  ~LayerRun();

  // Runs the next part: a layer, or after the last layer the logits. True once finished.
  bool next();
  void finish();  // every part left
  // Parts run so far, of parts(): the layers to run, then the logits.
  Index done() const { return layer_ - from_ + (finished_ ? 1 : 0); }
  Index parts() const;
  bool finished() const { return finished_; }

 private:
  void start(Matrix x);
  void logits();

  const Model* model_;
  ForwardPass* pass_;
  ForwardOptions options_;
  ModelProgress progress_;
  Index from_ = 0, offset_ = 0, layer_ = 0;
  Matrix x_;
  RopeTables rope_, local_;
  bool finished_ = false;
};

// The pass as it was over its first `length` tokens, but for the logits (the caller keeps those of
// each step: they cannot be recomputed from the rows): every layer's q, k, v (and before a QK-norm)
// and kept inputs lose their later rows. Earlier rows never depend on later ones (a causal model),
// so this is a KV cache's undo. A mean knock-out's pass is not of this kind: run forward again.
void drop_last_tokens(ForwardPass& pass, Index length);
// `before` (a pass that kept its inputs) with `ablation`: the layers below its first knocked-out
// head are taken as they are, the rest computed again from that layer's input. Keeps its inputs.
ForwardPass ablated_forward(const Model& model, const ForwardPass& before, const Ablation& ablation,
                            const ModelProgress& progress = {});

}  // namespace attnlab
