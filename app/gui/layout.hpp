#pragma once
// Where the panels go, for the window's size and font: the lesson bar across the top; then, when the
// width allows, Inputs and Statistics on the left, the heatmap in the middle and the stepper over the
// output tabs on the right. What does not fit folds instead of being cut: Inputs and Statistics
// without room of their own become a tab and part of the stepper, and a stepper without room below
// it takes the output, explorer and heads as tabs of its own panel. A pure function, tested alone.
#include <functional>

namespace attnlab::gui {

struct PanelRect {
  float x = 0, y = 0, w = 0, h = 0;
  bool shown() const { return w > 0 && h > 0; }
};

struct LayoutNeeds {
  float width = 0, height = 0;  // the window's work area
  float font = 18;              // the font's size in pixels
  bool present = false;         // presentation mode: no left column, the lesson's controls in the bar
  // The lesson bar's height at a width.
  std::function<float(float width)> toolbar_height;
  // Heights are whole panels: title bar and padding included.
  // The stepper's height at a width with everything shown, and with what may fold folded; with or
  // without the query's statistics in it.
  std::function<float(float width, bool stats)> stepper_ideal, stepper_least;
  // The width the heatmap's panel can use at a height (its cells are square): what it cannot use
  // goes to the stepper.
  std::function<float(float height)> heatmap_width;
  // The statistics panel's height at a width.
  std::function<float(float width)> stats_height;
  bool wide_tab = false;  // the explorer or the heads tab is chosen: it wants most of the column
};

struct Layout {
  PanelRect toolbar, inputs, stats, heatmap, stepper, tabs;
  bool left_column = false;  // Inputs and Statistics in a column of their own
  bool tabs_folded = false;  // the output, explorer and heads are tabs of the stepper's panel
};

Layout plan_layout(const LayoutNeeds& needs);

}  // namespace attnlab::gui
