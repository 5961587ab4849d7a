#pragma once
// The head dashboard (heads.md): a real model's every layer × head scored on the text — one grid per
// score, the top head of each job named, a sortable table — click a head for its heatmap, Alt+click
// to knock it out.
#include "app/gui/app_state.hpp"

namespace attnlab::gui {

void draw_dashboard(AppState& app);

}  // namespace attnlab::gui
