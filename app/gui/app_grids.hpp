#pragma once
// The heads panel's thumbnails: every head's weights, and a real model's every layer × every head,
// computed from the state's problem and kept until the data changes.
#include <cmath>
#include <utility>

#include "app/gui/app_state.hpp"

namespace attnlab::gui {

// Every head's weights as thumbnails: the selected head's from the engine, the others computed
// now when the data changed since the last call (the heads panel calls it only while shown).
const AppState::HeadGrid& head_grid(AppState& app);
// A real model's every layer × every head, from the forward pass already run: the layer's problem is
// built for each (no forward pass) with the settings' mask and scale, each head computed once per
// change. At 1,000 tokens GPT-2's 144 heads take most of a second, so after a change the grid is
// built a head at a time within `budget_ms` a call (frame_budget.hpp's rule), the last whole grid
// returned meanwhile (empty at first; its generation tells). A grid under way is finished before the
// next change's begins (unless the model changed), so that changes faster than a grid (tokens
// generated, a slider dragged) still show. Call only while the model is the applied source.
const AppState::ModelGrid& model_grid(AppState& app, double budget_ms = INFINITY);
// How far the grid under way has come: layers done of all, for the panel's line.
std::pair<Index, Index> model_grid_progress(const AppState& app);

}  // namespace attnlab::gui
