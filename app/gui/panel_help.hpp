#pragma once
// The help overlay, when app.help: every key and what it does (key_help(), keys.hpp).
#include "app/gui/app_state.hpp"

namespace attnlab::gui {

void draw_help(AppState& app);

}  // namespace attnlab::gui
