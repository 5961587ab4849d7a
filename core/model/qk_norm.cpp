#include "core/model/qk_norm.hpp"

#include "core/attention/heads.hpp"
#include "core/model/layer_ops.hpp"
#include "core/model/rope.hpp"

namespace attnlab {

bool has_qk_norm(const Model& m, Index layer) {
  return layer >= 0 && layer < static_cast<Index>(m.layers.size()) &&
         !m.layers[static_cast<std::size_t>(layer)].q_norm.empty();
}

QKNormStages qk_norm_stages(const Model& m, const ForwardPass& pass, Index layer) {
  if (!has_qk_norm(m, layer) || static_cast<std::size_t>(layer) >= pass.layers.size()) return {};
  const ModelConfig& c = m.config;
  const LayerWeights& w = m.layers[static_cast<std::size_t>(layer)];
  const LayerQKV& kept = pass.layers[static_cast<std::size_t>(layer)];
  Matrix q = kept.q_raw, k = kept.k_raw;
  rms_norm_groups(q, w.q_norm, c.norm_eps, c.norm_offset);
  rms_norm_groups(k, w.k_norm, c.norm_eps, c.norm_offset);
  return {split_heads(kept.q_raw, c.heads), split_heads(q, c.heads), split_heads(kept.k_raw, c.kv_heads),
          split_heads(k, c.kv_heads)};
}

NormedRow qk_norm_row(const Model& m, const ForwardPass& pass, Index layer, QKSide side, Index head, Index token) {
  if (!has_qk_norm(m, layer) || static_cast<std::size_t>(layer) >= pass.layers.size()) return {};
  const ModelConfig& c = m.config;
  const LayerWeights& w = m.layers[static_cast<std::size_t>(layer)];
  const LayerQKV& kept = pass.layers[static_cast<std::size_t>(layer)];
  const bool q = side == QKSide::query;
  // The whole row is normed, as the pass norms it: olmo2's norm spans every head.
  Matrix row = (q ? kept.q_raw : kept.k_raw).row(token);
  const Eigen::RowVectorXf before = row.row(0).segment(head * c.head_dim, c.head_dim);
  rms_norm_groups(row, q ? w.q_norm : w.k_norm, c.norm_eps, c.norm_offset);
  return {before, row.row(0).segment(head * c.head_dim, c.head_dim)};
}

UnnormedQK qk_without_norm(const Model& m, const ForwardPass& pass, Index layer) {
  if (!has_qk_norm(m, layer) || static_cast<std::size_t>(layer) >= pass.layers.size()) return {};
  const ModelConfig& c = m.config;
  const LayerQKV& kept = pass.layers[static_cast<std::size_t>(layer)];
  Matrix q = kept.q_raw, k = kept.k_raw;
  // The layer's own turn, as run_layers picks it: none in a NoPE layer, gemma3's local θ when it slides.
  if (!c.nope(layer)) {
    const RopeTables rope = rope_tables(c, q.rows(), c.rope_local_theta && c.slides(layer));
    apply_rope(q, c.heads, c.head_dim, rope);
    apply_rope(k, c.kv_heads, c.head_dim, rope);
  }
  return {split_heads(q, c.heads), split_heads(k, c.kv_heads)};
}

}  // namespace attnlab
