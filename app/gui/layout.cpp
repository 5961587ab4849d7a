#include "app/gui/layout.hpp"

#include <algorithm>

namespace attnlab::gui {

Layout plan_layout(const LayoutNeeds& n) {
  Layout l;
  const float f = n.font;
  const float bar = n.toolbar_height(n.width);
  l.toolbar = {0, 0, n.width, bar};
  const float top = bar, body = std::max(n.height - bar, 1.0f);

  // Widths, in font sizes: the inputs' labels and controls, the stepper's table of five columns,
  // and a heatmap with its labels and colour bar.
  // Presenting, the heatmap owns the screen: the stepper keeps only what its table needs.
  const float least_left = 19 * f, least_right = (n.present ? 20 : 21) * f, least_middle = 17 * f;
  const auto right_for = [&](float left) { return std::max(0.42f * (n.width - left), least_right); };
  float left = n.present ? 0 : std::max(0.22f * n.width, least_left);
  if (left > 0 && n.width - left - right_for(left) < least_middle) left = 0;  // Inputs fold into a tab
  float right = std::min(right_for(left), n.width - left - std::min(least_middle, 0.4f * n.width));
  float middle = n.width - left - right;
  if (n.heatmap_width) {
    const float used = std::max(n.heatmap_width(body), least_middle);
    if (n.present && middle < used)
      middle = std::min(used, n.width - left - least_right), right = n.width - left - middle;
    if (middle > used) right += middle - used, middle = used;
  }
  l.left_column = left > 0;

  if (l.left_column) {
    const float stats = std::min(n.stats_height(left), 0.45f * body);
    l.inputs = {0, top, left, body - stats};
    l.stats = {0, top + body - stats, left, stats};
  }
  l.heatmap = {left, top, middle, body};

  // The right column: the stepper over the tabs when both have room, else one panel of tabs.
  const bool stats = !l.left_column;
  const float x = left + middle, least_tabs = 16 * f;
  const float stepper = n.wide_tab ? 0.36f * body : std::min(n.stepper_ideal(right, stats), body - least_tabs);
  if (stepper < n.stepper_least(right, stats)) {
    l.tabs_folded = true;
    l.stepper = {x, top, right, body};
  } else {
    l.stepper = {x, top, right, stepper};
    l.tabs = {x, top + stepper, right, body - stepper};
  }
  return l;
}

}  // namespace attnlab::gui
