// The window's layout as a pure function of its size and of what the panels need: the panels tile
// the window without overlapping, and what does not fit folds instead of being cut.
#include <doctest/doctest.h>

#include <vector>

#include "app/gui/layout.hpp"

using namespace attnlab::gui;

namespace {

LayoutNeeds needs(float width, float height, float font = 18, bool present = false) {
  LayoutNeeds n;
  n.width = width, n.height = height, n.font = font, n.present = present;
  n.toolbar_height = [](float w) { return w < 1400 ? 70.0f : 40.0f; };
  n.stepper_ideal = [](float, bool stats) { return stats ? 560.0f : 480.0f; };
  n.stepper_least = [](float, bool stats) { return stats ? 420.0f : 360.0f; };
  n.stats_height = [](float) { return 240.0f; };
  return n;
}

std::vector<PanelRect> shown(const Layout& l) {
  std::vector<PanelRect> out;
  for (const PanelRect& r : {l.toolbar, l.inputs, l.stats, l.heatmap, l.stepper, l.tabs})
    if (r.shown()) out.push_back(r);
  return out;
}

// The panels cover the window exactly: inside it, apart from each other, their areas adding up to its area.
void check_tiles(const Layout& l, float width, float height) {
  const std::vector<PanelRect> panels = shown(l);
  double area = 0;
  for (std::size_t a = 0; a < panels.size(); ++a) {
    const PanelRect& p = panels[a];
    CHECK(p.x >= -0.01f);
    CHECK(p.y >= -0.01f);
    CHECK(p.x + p.w <= width + 0.01f);
    CHECK(p.y + p.h <= height + 0.01f);
    area += static_cast<double>(p.w) * p.h;
    for (std::size_t b = a + 1; b < panels.size(); ++b) {
      const PanelRect& q = panels[b];
      const bool apart =
          p.x + p.w <= q.x + 0.01f || q.x + q.w <= p.x + 0.01f || p.y + p.h <= q.y + 0.01f || q.y + q.h <= p.y + 0.01f;
      CHECK_MESSAGE(apart, "panels " << a << " and " << b << " overlap");
    }
  }
  CHECK(area == doctest::Approx(static_cast<double>(width) * height).epsilon(1e-4));
}

}  // namespace

TEST_SUITE("app/layout") {
  TEST_CASE("a wide window has three columns: inputs and statistics, the heatmap, the stepper over the tabs") {
    const Layout l = plan_layout(needs(1920, 1080));
    check_tiles(l, 1920, 1080);
    CHECK(l.left_column);
    CHECK_FALSE(l.tabs_folded);
    CHECK(l.toolbar.h == 40);
    CHECK(l.inputs.x == 0);
    CHECK(l.stats.h == 240);
    CHECK(l.heatmap.x == l.inputs.w);
    CHECK(l.stepper.h == 480);  // its whole content: the statistics have their own panel
    CHECK(l.tabs.y == l.stepper.y + l.stepper.h);
  }

  TEST_CASE("a narrow window folds the inputs into a tab and the statistics into the stepper") {
    const Layout l = plan_layout(needs(1024, 768));
    check_tiles(l, 1024, 768);
    CHECK_FALSE(l.left_column);
    CHECK_FALSE(l.inputs.shown());
    CHECK_FALSE(l.stats.shown());
    CHECK(l.heatmap.w >= 17 * 18);
    CHECK(l.toolbar.h == 70);  // the lesson bar wraps onto a second line
  }

  TEST_CASE("presenting, there is no left column whatever the width") {
    const Layout l = plan_layout(needs(3840, 2160, 60, true));
    check_tiles(l, 3840, 2160);
    CHECK_FALSE(l.left_column);
  }

  TEST_CASE("a stepper without room over the tabs takes the tabs into its own panel") {
    LayoutNeeds n = needs(1280, 720);
    n.stepper_least = [](float, bool) { return 600.0f; };
    const Layout l = plan_layout(n);
    check_tiles(l, 1280, 720);
    CHECK(l.tabs_folded);
    CHECK_FALSE(l.tabs.shown());
    CHECK(l.stepper.h == 720 - 70);
  }

  TEST_CASE("the explorer or the heads take most of the right column") {
    LayoutNeeds n = needs(1920, 1080);
    n.wide_tab = true;
    const Layout l = plan_layout(n);
    check_tiles(l, 1920, 1080);
    CHECK(l.tabs.h > 1.5f * l.stepper.h);
  }

  TEST_CASE("width the heatmap cannot use goes to the stepper") {
    LayoutNeeds n = needs(1600, 900);
    const Layout wide = plan_layout(n);
    n.heatmap_width = [](float) { return 500.0f; };
    const Layout used = plan_layout(n);
    check_tiles(used, 1600, 900);
    CHECK(used.heatmap.w == 500);
    CHECK(used.stepper.w == doctest::Approx(wide.stepper.w + wide.heatmap.w - 500));
    // Never below the least a heatmap needs.
    n.heatmap_width = [](float) { return 10.0f; };
    CHECK(plan_layout(n).heatmap.w == 17 * 18);
  }

  TEST_CASE("presenting, the heatmap takes the width it can use, the stepper keeping 20 font sizes") {
    LayoutNeeds n = needs(1024, 768, 20, true);
    const Layout shared = plan_layout(n);  // no wish: the usual share
    n.heatmap_width = [](float) { return 610.0f; };
    const Layout wants = plan_layout(n);
    check_tiles(wants, 1024, 768);
    CHECK(wants.heatmap.w == 610);
    CHECK(wants.heatmap.w > shared.heatmap.w);
    n.heatmap_width = [](float) { return 2000.0f; };
    const Layout most = plan_layout(n);
    check_tiles(most, 1024, 768);
    CHECK(most.stepper.w == doctest::Approx(20 * 20));
    // In a window the stepper keeps its share.
    n.present = false;
    CHECK(plan_layout(n).stepper.w >= 21 * 20 - 0.01f);
  }
}
