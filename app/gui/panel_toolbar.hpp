#pragma once
// The lesson bar across the top: the stage, the query, dk, the scaling, the mask, the head.
#include "app/gui/app_state.hpp"

namespace attnlab::gui {

void draw_toolbar(AppState& app);
// Its height at a width (it wraps onto more lines).
float toolbar_height(AppState& app, float width);

}  // namespace attnlab::gui
