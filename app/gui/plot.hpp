#pragma once
// The app's one small plotting helper (ImPlot is not in Debian): bars with labels, and a colour bar.
#include <imgui.h>

#include <cmath>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/colormap/colormap.hpp"

namespace attnlab::gui {

struct Bars {
  std::vector<float> values;         // -inf draws as a "masked" stub
  std::vector<std::string> labels;   // one per bar, under it; the tallest bars' first when they crowd
  std::function<ImU32(int)> colour;  // per bar
  int highlight = -1;                // drawn outlined
  float lo = 0, hi = 1;              // the value axis; 0 is drawn when inside
  // A soft-cap C: dashed lines at ±C. `before`: each bar's value before the cap, drawn as an outline
  // (the capped stage); `after`: each bar's value after the cap, a line over the bars (the scaled stage).
  float cap = 0;
  std::vector<float> before, after;
};
// Draws in a region of `size` at the cursor; returns the bar under the mouse, or -1.
int bar_chart(const char* id, const Bars& bars, ImVec2 size);

struct Series {
  std::string name;
  std::vector<float> x, y;
  ImU32 colour = 0;
  bool points_only = false;  // markers without a line (e.g. the current example's own value)
};
struct LinePlot {
  std::vector<std::string> titles;  // the first that fits the plot's width (longest first)
  std::vector<Series> series;
  bool log2_x = true;    // x values are dk: ticks at powers of four
  float marker_x = NAN;  // a vertical line (the current dk)
  bool legend = false;   // the series' names in the top right corner
  std::string x_title;   // under the x ticks, when given ("dₖ")
};
// Axes with ticks and labels, the series, a legend; in a region of `size` at the cursor. Ticks that
// would run into each other are thinned to every 2nd, 4th … as the heatmap's labels are.
void line_plot(const char* id, const LinePlot& plot, ImVec2 size);

ImU32 to_imgui(Rgba c);
// Okabe & Ito's seven colours, told apart with every common colour-vision deficiency; i wraps.
ImU32 okabe_ito(int i);
std::string format_value(float v);  // "0.354", "-inf", "1.2e+04"
// One rule for a column (or a statistic) whose largest magnitude is `largest`: three decimals below
// 100, one below 1000, none below 10⁵, else every value in scientific form; never 0.001 beside 5.91e-04.
std::string format_value(float v, float largest);
// The decimals of that rule for a column whose largest magnitude (below 10⁵) is `largest`.
int column_decimals(float largest);
// The largest finite magnitude among `values`, for the rule above.
float largest_magnitude(std::span<const float> values);

}  // namespace attnlab::gui
