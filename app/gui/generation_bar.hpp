#pragma once
// Shift+G's run of tokens as the heatmap's heading shows it, over the picture everyone looks at: how
// far it is in a bar, and a Cancel button.
#include "app/gui/app_state.hpp"

namespace attnlab::gui {

// Draws the line, the button and the bar; false (nothing drawn) when no tokens are being made.
bool draw_generation(AppState& app);

}  // namespace attnlab::gui
