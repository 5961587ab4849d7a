#pragma once
// Knocking a real model's heads out in the window (heads.md): the list in the settings, the toggle
// and the marks every grid draws over a knocked-out head.
#include <imgui.h>

#include "app/gui/app_state.hpp"

namespace attnlab::gui {

bool knocked_out(const Settings& settings, Index layer, Index head);
// Knocks the head out, or brings it back: the list stays sorted, "0.1,1.2".
void toggle_knockout(Settings& settings, Index layer, Index head);
// A cross over a knocked-out head's cell or thumbnail, in a colour that no colour map uses.
void knockout_mark(ImDrawList* draw, ImVec2 min, ImVec2 max);
// Under the model view: the selected head's toggle (X), zero or mean, and every head back.
void knockout_controls(AppState& app);

}  // namespace attnlab::gui
