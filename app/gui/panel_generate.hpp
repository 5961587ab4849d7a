#pragma once
// Generation (heads.md), a real model's tab: the sampling settings G and Shift+G draw with (greedy at
// temperature 0, as `attnlab generate`), the command line that gives the same tokens, the last step's
// candidates before and after temperature, top-k and top-p with the one drawn, and the KV cache as it
// grows.
#include "app/gui/app_state.hpp"

namespace attnlab::gui {

void draw_generate(AppState& app);

}  // namespace attnlab::gui
