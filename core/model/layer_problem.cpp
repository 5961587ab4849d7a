#include "core/model/layer_problem.hpp"

#include <cmath>

namespace attnlab {

MaskSpec layer_mask(const ModelConfig& c, Index layer) {
  MaskSpec mask;
  mask.kind = MaskSpec::Kind::causal;
  if (c.slides(layer)) {
    mask.kind = MaskSpec::Kind::window;
    mask.param = *c.sliding_window;
  }
  return mask;
}

ScaleSpec layer_scale(const ModelConfig& c, Index layer) {
  const double scale = attention_scale(c, layer);
  if (scale == 1 / std::sqrt(static_cast<double>(c.head_dim))) return {};
  if (scale == 1) return {ScaleSpec::Kind::none, 1.0};
  return {ScaleSpec::Kind::value, scale};
}

HeadsProblem layer_problem(const ModelConfig& c, const ForwardPass& pass, Index layer,
                           const std::vector<std::string>& tokens) {
  if (layer < 0 || layer >= c.layers)
    throw InputError("--layer " + std::to_string(layer) + " is out of range: the model has " +
                     std::to_string(c.layers) + " layers (0 to " + std::to_string(c.layers - 1) + ")");
  const LayerQKV& kept = pass.layers[static_cast<std::size_t>(layer)];
  HeadsProblem p;
  p.q = split_heads(kept.q, c.heads);
  p.k = split_heads(kept.k, c.kv_heads);
  p.v = split_heads(kept.v, c.kv_heads);
  p.mask = layer_mask(c, layer);
  p.scale = layer_scale(c, layer);
  p.softcap = c.attn_logit_softcap;  // Gemma 2's: the stage capped, between scaled and masked
  p.query_tokens = p.key_tokens = tokens;
  return p;
}

}  // namespace attnlab
