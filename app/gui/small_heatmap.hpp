#pragma once
// A heatmap inside a tab (the compare and rollout tabs): a matrix as one texture, titled, its rows and
// columns labelled where there is room, an optional colour bar, the cell under the mouse as a tooltip.
// Smaller than the Heatmap panel's (no zoom, no stages): a picture to compare, not to step through.
#include <imgui.h>

#include <string>
#include <vector>

#include "app/gui/heatmap_image.hpp"

namespace attnlab::gui {

struct SmallHeatmap {
  std::string id;     // the layout audit's name, and ImGui's
  std::string title;  // above the cells
  const Matrix* values = nullptr;
  const Matrix* masked = nullptr;  // −∞ where the cell is masked (grey); null: none
  ColourRange range;
  const ColormapTable* table = nullptr;
  std::vector<std::string> rows, cols;  // token labels
  std::string bar_title;                // with a colour bar right of the cells: its title
  int selected_row = -1;                // outlined, as the Heatmap panel outlines the query
};

// The room left of the cells (row labels), under them (column labels) and above them (the title),
// and right of them (the colour bar): what a panel of `cell`-pixel cells needs around it.
struct HeatmapRoom {
  float left = 0, below = 0, above = 0, right = 0;
};
HeatmapRoom heatmap_room(const SmallHeatmap& heatmap);

// Draws at the cursor with square cells of `cell` pixels, repainting `image` when `repaint`; returns
// the row of a cell clicked, or -1. Moves the cursor below what it drew.
int draw_small_heatmap(const SmallHeatmap& heatmap, HeatmapImage& image, bool repaint, float cell);

}  // namespace attnlab::gui
