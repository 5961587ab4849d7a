#pragma once
// The dk explorer: why divide by √dk, shown live.
#include "app/gui/app_state.hpp"

namespace attnlab::gui {

void draw_explorer(AppState& app);

}  // namespace attnlab::gui
