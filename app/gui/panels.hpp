#pragma once
// One function per panel: each draws from the state and changes it only through its settings,
// apply() and act().
#include <memory>
#include <vector>

#include "app/gui/app_state.hpp"
#include "app/gui/heatmap_image.hpp"
#include "core/attention/query_view.hpp"

namespace attnlab::gui {

// The lesson bar across the top, and its height at a width (it wraps onto more lines).
void draw_toolbar(AppState& app);
float toolbar_height(AppState& app, float width);

void draw_inputs(AppState& app);
// The stepper; `stats`: with the query's statistics at its foot (when they have no panel of their own).
void draw_stepper(AppState& app, bool stats);
// The stepper's height at a width, with everything shown or (`least`) with what may fold folded.
float stepper_height(AppState& app, float width, bool stats, bool least);
// What the stepper warns of for the selected query: a saturated row, or weights that overflowed
// (and why); empty when all is well.
std::string row_warning(AppState& app, const QueryView& view);
void draw_output(AppState& app);
// The selected query's statistics: a table with the help of each, or (`compact`) name–value pairs
// that wrap, whose height stats_height gives.
void draw_stats(AppState& app, bool compact = false);
float stats_height(AppState& app, float width);
float stats_panel_height(AppState& app, float width);  // the table's form, with its warnings
void draw_explorer(AppState& app);
// The help overlay, when app.help: every key and what it does (key_help(), keys.hpp).
void draw_help(AppState& app);
void draw_tiles(AppState& app);  // the stepper's FlashAttention mode
// What each path keeps, here and at L = 32k, and why the tiled one keeps more at small L.
std::string tiles_memory_text(Index lq, Index lk, int tile, int threads);

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
