#pragma once
// Which rows and columns of a heatmap carry a label, and how: one rule for the window and the
// exported figures. Every label when they fit; otherwise every 2nd, 4th, 8th … (a power of two, the
// same on both axes, so the axes count alike), the selected query always among them. Key labels
// turn upright before any is dropped, and long tokens are shortened with "…" before they crowd out
// their neighbours. Tokens that only number their position (t0, t1, … or q0, k0, …) are written as
// the numbers alone.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/base/matrix.hpp"

namespace attnlab {

// The label of each token: the number alone when every token is one letter and its own index.
std::vector<std::string> axis_texts(const std::vector<std::string>& tokens);
bool tokens_are_indices(const std::vector<std::string>& tokens);

struct AxisPlan {
  Index stride = 1;      // every stride-th row and column is labelled: 1, 2, 4, 8, …
  bool upright = false;  // the column labels are written bottom to top, one line wide
};

// The smallest power of two n for which labels `extent` pixels long fit every n-th cell of `cell`.
Index label_stride(float cell, float extent);

// The stride and direction for cells of cell_w × cell_h pixels, labels `line` pixels tall, the
// widest column label `widest_col` pixels wide, and `gap` pixels between neighbouring labels.
AxisPlan plan_axis(float cell_w, float cell_h, float line, float widest_col, float gap);

// The indices in [first, end) that carry a label under `stride`: the multiples of stride and
// `keep` (the selected query), leaving out those closer to `keep` than a stride.
std::vector<Index> labelled(Index first, Index end, Index stride, std::optional<Index> keep = std::nullopt);

// `text`, or as much of it as fits in `room` (by `width`) followed by "…"; at least one character.
std::string shorten(const std::string& text, float room, const std::function<float(const std::string&)>& width);

}  // namespace attnlab
