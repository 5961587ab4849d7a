#pragma once
// One function per panel: each draws from the state and changes it only through its settings,
// apply() and act().
#include <memory>
#include <vector>

#include "app/gui/app_state.hpp"
#include "app/gui/heatmap_image.hpp"

namespace attnlab::gui {

void draw_inputs(AppState& app);
void draw_stepper(AppState& app);
void draw_output(AppState& app);
void draw_stats(AppState& app);
void draw_explorer(AppState& app);
void draw_tiles(AppState& app);  // the stepper's FlashAttention mode

struct HeatmapView {
  HeatmapImage image;
  int painted_generation = -1;  // what the texture shows
  Stage painted_stage = Stage::scores;
  ColourRange painted_range;
  bool painted_error = false;
  Matrix error;  // log10 |weights − float64 weights|, for the precision lab's error view
  // Where the last frame drew the cells, in framebuffer pixels: scripted runs report it so that
  // tests can read the cells back from a screenshot.
  float x = 0, y = 0, cell = 0;
  Index rows = 0, cols = 0;
};
void draw_heatmap(AppState& app, HeatmapView& view);

struct HeadsView {  // one thumbnail texture per head; a model's, one per layer and head
  std::vector<std::unique_ptr<HeatmapImage>> images, model_images;
  int painted_generation = -1, model_painted_generation = -1;
};
// Every head's weights (click one to select it), H and G, and what the KV cache costs.
void draw_heads(AppState& app, HeadsView& view);

// Labels: the tokens, or numbered when there are none.
const std::string& query_label(const Problem& p, Index i);
const std::string& key_label(const Problem& p, Index j);

}  // namespace attnlab::gui
