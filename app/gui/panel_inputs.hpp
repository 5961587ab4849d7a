#pragma once
// Inputs: where the data comes from, dk, the mask, the scale, the precision, the backend, and scenarios.
#include "app/gui/app_state.hpp"

namespace attnlab::gui {

void draw_inputs(AppState& app);

}  // namespace attnlab::gui
