#pragma once
// The heads panel's thumbnails: every head's weights, and a real model's every layer × every head,
// computed from the state's problem and kept until the data changes.
#include "app/gui/app_state.hpp"

namespace attnlab::gui {

// Every head's weights as thumbnails: the selected head's from the engine, the others computed
// now when the data changed since the last call (the heads panel calls it only while shown).
const AppState::HeadGrid& head_grid(AppState& app);
// A real model's every layer × every head, from the forward pass already run: the layer's problem is
// built for each (no forward pass) with the settings' mask and scale, each head computed once per
// change. Call only while the model is the applied source.
const AppState::ModelGrid& model_grid(AppState& app);

}  // namespace attnlab::gui
