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
  Between between;   // the values between two stages while a change of stage moves
  int decimals = 2;  // how the cells' values print: the same for every cell
  // Where the last frame drew the cells, in framebuffer pixels: scripted runs report it so that
  // tests can read the cells back from a screenshot.
  float x = 0, y = 0, cell = 0;
  Index rows = 0, cols = 0;
  Index hovered_key = -1;  // the key under the mouse last frame: its label shows whatever the stride
  // What the margins reserve for every stage of the lesson, so that the cells keep one box through them.
  struct Reserve {
    int generation = -1;
    float font = 0;
    bool stretch = false, shared = false, stage_output = false;
    float tick_w = 0;  // the widest tick label of any stage's colour bar
    bool any_masked = false;
    bool stretched = false;  // the weights' colours stretched by default: the bar says so
  } reserve;
};
void draw_heatmap(AppState& app, HeatmapView& view);
// The width the heatmap's panel uses at a content height, its margins and `padding` included (its
// cells are square); the same for every stage of the lesson.
float heatmap_width(AppState& app, HeatmapView& view, float height, float padding);

}  // namespace attnlab::gui
