#pragma once
// Heatmap: the current stage as one texture, labelled axes, a colour bar, the query row outlined.
#include "app/gui/app_state.hpp"
#include "app/gui/heatmap_image.hpp"

namespace attnlab::gui {

struct HeatmapView {
  HeatmapImage image;
  HatchImage hatch;             // over the cells the mask will block, before the masked stage
  int painted_generation = -1;  // what the texture shows
  Stage painted_stage = Stage::scores;
  ColourRange painted_range;
  bool painted_error = false;
  Matrix error;      // log10 |weights − float64 weights|, for the precision lab's error view
  int decimals = 2;  // how the cells' values print: the same for every cell
  // Where the last frame drew the cells, in framebuffer pixels: scripted runs report it so that
  // tests can read the cells back from a screenshot.
  float x = 0, y = 0, cell = 0;
  Index rows = 0, cols = 0;
};
void draw_heatmap(AppState& app, HeatmapView& view);
// The width the heatmap uses at a height, its margins included (its cells are square).
float heatmap_width(AppState& app, float height);

}  // namespace attnlab::gui
