#pragma once
// The stepper's FlashAttention mode: the selected query's softmax taken tile by tile, as the
// output-only mode computes it, never holding a row of Lk weights.
#include <string>

#include "app/gui/app_state.hpp"

namespace attnlab::gui {

void draw_tiles(AppState& app);
// What each path keeps, here and at L = 32k; and why the tiled one keeps more at small L (empty when
// it keeps less).
std::string tiles_memory_figures(Index lq, Index lk, int tile, int threads);
std::string tiles_memory_why(Index lq, Index lk, int tile, int threads);

}  // namespace attnlab::gui
