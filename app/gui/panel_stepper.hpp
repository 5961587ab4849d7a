#pragma once
// Stepper: one query through scores → scaled → masked → weights → output, with its numbers (or, in
// its FlashAttention mode, the query's softmax tile by tile: stepper_tiles.hpp).
#include <string>

#include "app/gui/app_state.hpp"
#include "core/attention/query_view.hpp"

namespace attnlab::gui {

// The stepper; `stats`: with the query's statistics at its foot (when they have no panel of their own).
void draw_stepper(AppState& app, bool stats);
// The stepper's height at a width, with everything shown or (`least`) with what may fold folded.
float stepper_height(AppState& app, float width, bool stats, bool least);
// What the stepper warns of for the selected query: a saturated row, or weights that overflowed
// (and why); empty when all is well.
std::string row_warning(AppState& app, const QueryView& view);

}  // namespace attnlab::gui
