#pragma once
// QK-norm as the lab shows it (families.md): a layer's q and k before their norm and after it (and
// before RoPE), one L × hd matrix per head. qwen3 and gemma3_text norm each head, olmo2 the whole
// projected q and k before it is cut into heads.
#include <vector>

#include "core/model/forward.hpp"

namespace attnlab {

struct QKNormStages {
  std::vector<Matrix> q_before, q_after;  // H heads of L × hd
  std::vector<Matrix> k_before, k_after;  // G heads of L × hd
};

// One head's q (or k) of one token before and after the norm: what the window's stepper writes out.
enum class QKSide { query, key };
struct NormedRow {
  Eigen::RowVectorXf before, after;  // hd values each
};

// Whether layer ℓ of the model normalizes its q and k.
bool has_qk_norm(const Model& model, Index layer);
// Layer ℓ's q and k before and after the norm: the projections the pass kept, normed again with the
// layer's weights exactly as the pass did. Empty when the layer has no QK-norm.
QKNormStages qk_norm_stages(const Model& model, const ForwardPass& pass, Index layer);
// Head `head` (a query head, or a KV head for the key side) of token `token` in layer ℓ, the same
// numbers as qk_norm_stages' for that row. Empty when the layer has no QK-norm.
NormedRow qk_norm_row(const Model& model, const ForwardPass& pass, Index layer, QKSide side, Index head, Index token);

// Layer ℓ's q and k as its heads would dot them without the QK-norm: the projections before the norm,
// turned by the layer's RoPE as the normed ones are. What "before the QK-norm" shows in the heatmaps,
// exports and precision lab. H and G heads of L × hd; empty when the layer has no QK-norm.
struct UnnormedQK {
  std::vector<Matrix> q, k;
};
UnnormedQK qk_without_norm(const Model& model, const ForwardPass& pass, Index layer);

}  // namespace attnlab
