#pragma once
// Heads: every head's weights (click one to select it), H and G, and what the KV cache costs.
#include <memory>
#include <vector>

#include "app/gui/app_state.hpp"
#include "app/gui/heatmap_image.hpp"

namespace attnlab::gui {

struct HeadsView {  // one thumbnail texture per head; a model's, one per layer and head
  std::vector<std::unique_ptr<HeatmapImage>> images, model_images;
  int painted_generation = -1, model_painted_generation = -1;
};
void draw_heads(AppState& app, HeadsView& view);

}  // namespace attnlab::gui
