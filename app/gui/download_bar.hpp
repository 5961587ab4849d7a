#pragma once
// A Hub model's download as the heatmap's heading shows it, over the picture everyone looks at: the
// file, its bytes, the rate and the time left in a bar, and a Cancel button.
#include "app/gui/app_state.hpp"

namespace attnlab::gui {

// Draws the bar and the button from what the model's worker last said; false (nothing drawn) when no
// download runs.
bool draw_download(AppState& app);

}  // namespace attnlab::gui
