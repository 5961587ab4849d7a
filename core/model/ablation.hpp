#pragma once
// Knocking heads out (heads.md): the listed heads' outputs (their weights·V, before the output
// projection) become 0, or that head's mean output over the positions of this input; every later
// layer then sees the changed residual stream.
#include <string_view>
#include <vector>

#include "core/base/matrix.hpp"
#include "core/model/config.hpp"

namespace attnlab {

struct HeadRef {
  Index layer = 0, head = 0;
  bool operator==(const HeadRef&) const = default;
};

enum class AblationMode { zero, mean };

struct Ablation {
  std::vector<HeadRef> heads;  // as given, none twice
  AblationMode mode = AblationMode::zero;

  bool empty() const { return heads.empty(); }
  bool has(Index layer, Index head) const;
  bool in_layer(Index layer) const;
  Index first_layer() const;  // the lowest layer listed: the recompute starts there
};

// --ablate "L.H[,L.H…]" and --ablation zero|mean, their grammar alone (checked before a model is
// read): throws InputError naming the option and the item: not L.H, a head twice, an unknown mode.
Ablation parse_ablation(std::string_view list, std::string_view mode);
// Throws InputError for a layer or head outside the model's, naming the item and the range.
void check_ablation(const Ablation& ablation, const ModelConfig& config);

// A layer's attention output (rows × H·hd, head h in columns [h·hd, (h+1)·hd)) with the ablated
// heads of `layer` replaced: zero, or the mean of the head's rows, which must be every position.
void ablate_heads(Matrix& attended, const Ablation& ablation, Index layer, Index head_dim);

}  // namespace attnlab
