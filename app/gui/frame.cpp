#include "app/gui/frame.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <functional>
#include <string>
#include <vector>

#include "app/gui/layout.hpp"
#include "app/gui/layout_audit.hpp"
#include "app/gui/panel_dashboard.hpp"
#include "app/gui/panel_explorer.hpp"
#include "app/gui/panel_generate.hpp"
#include "app/gui/panel_inputs.hpp"
#include "app/gui/panel_output.hpp"
#include "app/gui/panel_stepper.hpp"
#include "app/gui/panel_toolbar.hpp"
#include "app/gui/query_stats.hpp"
#include "app/gui/widgets.hpp"

namespace attnlab::gui {
namespace {

using Tab = AppState::Tab;

constexpr ImGuiWindowFlags fixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;

// One panel at its place; `name` is what the layout audit calls it.
template <class Draw>
void panel(const char* name, const char* title, const PanelRect& r, ImGuiWindowFlags flags, Draw&& draw) {
  if (!r.shown()) return;
  const ImVec2 o = ImGui::GetMainViewport()->WorkPos;
  ImGui::SetNextWindowPos({o.x + r.x, o.y + r.y});
  ImGui::SetNextWindowSize({r.w, r.h});
  if (ImGui::Begin(title, nullptr, fixed | flags)) {
    if (LayoutAudit* audit = layout_audit()) audit->panel = name;
    draw();
    audit_panel(name);
  }
  ImGui::End();
}

struct TabPage {
  Tab which;
  const char* label;  // as long as the panel allows
  const char* short_label;
  std::function<void()> draw;
};

// A bar of tabs showing app.tab (or `fallback` when app.tab has no page here); a click on a tab
// chooses it.
void tabs(AppState& app, const char* id, const std::vector<TabPage>& pages, Tab fallback) {
  Tab wanted = fallback;
  for (const TabPage& page : pages)
    if (page.which == app.tab) wanted = app.tab;
  float long_w = 0;
  for (const TabPage& page : pages) long_w += button_width(page.label) + ImGui::GetStyle().ItemInnerSpacing.x;
  float short_w = 0;
  for (const TabPage& page : pages) short_w += button_width(page.short_label) + ImGui::GetStyle().ItemInnerSpacing.x;
  const bool short_labels = long_w > ImGui::GetContentRegionAvail().x;
  // When even the short names do not fit (a model's nine tabs on a projector), the bar scrolls and
  // lists every tab in a menu rather than cutting each name to two letters.
  const ImGuiTabBarFlags fitting = short_w > ImGui::GetContentRegionAvail().x
                                       ? ImGuiTabBarFlags_FittingPolicyScroll | ImGuiTabBarFlags_TabListPopupButton
                                       : ImGuiTabBarFlags_None;
  const bool force = app.tab_shown != wanted;
  if (!ImGui::BeginTabBar(id, fitting)) return;
  // A scrolling bar keeps the tab on show in view (ImGui scrolls to a tab it is asked to select), at
  // once rather than animated: a key's tab is there in the next frame, a scripted picture too.
  if (ImGuiTabBar* bar = GImGui->CurrentTabBar; fitting != ImGuiTabBarFlags_None) {
    if (bar->NextSelectedTabId == 0) bar->NextSelectedTabId = bar->SelectedTabId;
    bar->ScrollingAnim = bar->ScrollingTarget;
  }
  for (const TabPage& page : pages) {
    const char* label = short_labels ? page.short_label : page.label;
    const std::string text = std::string(label) + "###" + page.label;
    const bool open =
        ImGui::BeginTabItem(text.c_str(), nullptr, force && page.which == wanted ? ImGuiTabItemFlags_SetSelected : 0);
    audit_text("tab", label, text_width(label), ImGui::GetItemRectSize().x - 2 * ImGui::GetStyle().FramePadding.x);
    if (!open) continue;
    app.tab_shown = page.which;
    if (!force && page.which != wanted) app.tab = page.which;  // a click on this tab
    page.draw();
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
}

}  // namespace

void draw_panels(AppState& app, HeatmapView& heatmap, HeadsView& heads, CompareView& compare) {
  const ImVec2 size = ImGui::GetMainViewport()->WorkSize;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float chrome = ImGui::GetFrameHeight() + 2 * style.WindowPadding.y;  // a title bar and the padding
  const float pad = 2 * style.WindowPadding.x;
  LayoutNeeds needs;
  needs.width = size.x, needs.height = size.y;
  needs.font = ImGui::GetFontSize();
  needs.present = app.settings.present;
  needs.toolbar_height = [&](float w) { return toolbar_height(app, w); };
  needs.stepper_ideal = [&](float w, bool stats) { return chrome + stepper_height(app, w - pad, stats, false); };
  needs.stepper_least = [&](float w, bool stats) { return chrome + stepper_height(app, w - pad, stats, true); };
  needs.stats_height = [&](float w) { return chrome + stats_panel_height(app, w - pad); };
  // Presenting, the heatmap has no title bar: its title says what it shows.
  const bool heatmap_bar = !app.settings.present;
  const float heatmap_chrome = heatmap_bar ? chrome : 2 * style.WindowPadding.y;
  needs.heatmap_width = [&](float h) { return heatmap_width(app, heatmap, h - heatmap_chrome, pad); };
  needs.wide_tab = app.tab == Tab::explorer || app.tab == Tab::heads ||
                   ((app.tab == Tab::scores || app.tab == Tab::compare || app.tab == Tab::rollout) &&
                    app.applied.source == Source::model);
  const Layout layout = plan_layout(needs);
  if (layout.tabs_folded != app.tabs_folded) app.tab_shown.reset();  // another tab bar from now on
  app.tabs_folded = layout.tabs_folded;

  panel("Lesson", "##lesson", layout.toolbar, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar,
        [&] { draw_toolbar(app); });
  panel("Inputs", "Inputs", layout.inputs, 0, [&] { draw_inputs(app); });
  panel("Statistics", "Statistics of this query", layout.stats, 0, [&] { draw_stats(app); });
  // After the toolbar's stage buttons, before the heatmap and the stepper draw the stage: a change of
  // stage starts its motion here.
  follow_stage(app.motion, app.settings.stage, app.generation, motion_on(app),
               app.trace().full ? app.trace().stage(app.settings.stage).size() : stage_motion_cells + 1);
  panel("Heatmap", "Heatmap", layout.heatmap,
        ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse |
            (heatmap_bar ? 0 : ImGuiWindowFlags_NoTitleBar),
        [&] { draw_heatmap(app, heatmap); });

  const bool stats = !layout.left_column;
  std::vector<TabPage> pages;
  if (layout.tabs_folded) pages.push_back({Tab::stepper, "stepper", "stepper", [&] { draw_stepper(app, stats); }});
  pages.push_back({Tab::output, "output = Σ weight · value", "output", [&] { draw_output(app); }});
  if (!layout.left_column) pages.push_back({Tab::inputs, "inputs", "inputs", [&] { draw_inputs(app); }});
  pages.push_back({Tab::explorer, "why √dₖ (D)", "√dₖ", [&] { draw_explorer(app); }});
  pages.push_back({Tab::heads, "heads (H)", "heads", [&] { draw_heads(app, heads); }});
  if (app.applied.source == Source::model) {
    pages.push_back({Tab::scores, "head scores (A)", "scores", [&] { draw_dashboard(app); }});
    pages.push_back({Tab::generate, "generate (G)", "generate", [&] { draw_generate(app); }});
    pages.push_back({Tab::compare, "compare (V)", "compare", [&] { draw_compare(app, compare); }});
    pages.push_back({Tab::rollout, "rollout (O)", "rollout", [&] { draw_rollout(app, compare); }});
  }
  if (layout.tabs_folded) {
    panel("Stepper", "Stepper: one query, stage by stage###right", layout.stepper, 0,
          [&] { tabs(app, "right", pages, Tab::stepper); });
  } else {
    panel("Stepper", "Stepper: one query, stage by stage", layout.stepper, 0, [&] { draw_stepper(app, stats); });
    panel("Tabs", "Output, the dₖ explorer, the heads", layout.tabs, 0,
          [&] { tabs(app, "bottom", pages, Tab::output); });
  }
}

}  // namespace attnlab::gui
