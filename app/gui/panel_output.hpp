#pragma once
// Output: the query's output vector as a sum of weighted value vectors, stacked per key.
#include "app/gui/app_state.hpp"

namespace attnlab::gui {

void draw_output(AppState& app);

}  // namespace attnlab::gui
