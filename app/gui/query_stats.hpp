#pragma once
// The selected query's statistics: a table with the help of each (the Statistics panel), or
// (`compact`) name–value pairs that wrap (the stepper's foot).
#include <string>

#include "app/gui/app_state.hpp"

namespace attnlab::gui {

void draw_stats(AppState& app, bool compact = false);
// The compact form's height at a width.
float stats_height(AppState& app, float width);
// The table's form, with its warnings.
float stats_panel_height(AppState& app, float width);
// The warning for a row whose largest weight is above 0.99: saturated, or, with one key visible, a
// weight of 1 by construction; empty for any other row. `keys` is the row's length.
std::string saturation_note(const RowStats& s, Index keys);

}  // namespace attnlab::gui
