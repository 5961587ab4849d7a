#pragma once
// One frame of the window's panels, placed by plan_layout (layout.hpp) for the window's size.
#include "app/gui/app_state.hpp"
#include "app/gui/panel_compare.hpp"
#include "app/gui/panel_heads.hpp"
#include "app/gui/panel_heatmap.hpp"

namespace attnlab::gui {

void draw_panels(AppState& app, HeatmapView& heatmap, HeadsView& heads, CompareView& compare);

}  // namespace attnlab::gui
