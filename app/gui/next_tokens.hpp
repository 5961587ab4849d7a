#pragma once
// What the real model predicts next, as the inputs panel, the model view and the head scores show
// it: the likeliest tokens (none that round to 0 %), and with heads knocked out, each before → after
// with the change.
#include "app/gui/app_state.hpp"

namespace attnlab::gui {

void draw_next_tokens(AppState& app);

}  // namespace attnlab::gui
