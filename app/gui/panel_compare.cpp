#include "app/gui/panel_compare.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>

#include "app/gui/layout_audit.hpp"
#include "app/gui/small_heatmap.hpp"
#include "app/gui/style.hpp"
#include "app/gui/widgets.hpp"
#include "core/attention/difference.hpp"
#include "core/figure/figure_compare.hpp"

namespace attnlab::gui {
namespace {

constexpr const char* kDifference = "second − first";

// The model's own weights of one head on a pass, and its mask: −∞ where the head sees no key (later
// tokens, or beyond a sliding window).
void head_of(const ModelConfig& config, const ForwardPass& pass, Index layer, Index head, Matrix& weights,
             Matrix& masked) {
  const LayerQKV& kept = pass.layers[static_cast<std::size_t>(layer)];
  const AttentionShape shape = attention_shape(config, layer);
  weights = head_weights(kept.q, kept.k, shape, head, 0);
  masked = Matrix::Zero(weights.rows(), weights.cols());
  for (Index i = 0; i < masked.rows(); ++i)
    for (Index j = 0; j < masked.cols(); ++j)
      if (j > i || (shape.window && j <= i - *shape.window)) masked(i, j) = -INFINITY;
}

// Trace-shaped weights, so that the difference is stage_difference's, as export draws it.
Trace weights_trace(const Matrix& weights, const Matrix& masked) {
  Trace t;
  t.weights = weights, t.masked = masked;
  return t;
}

bool model_shown(const AppState& app, const char* id, const char* what) {
  if (app.model.of(app.applied) && app.applied.source == Source::model) return true;
  wrapped_text(id, std::string(what) + " a real model's: choose the source “model” in the Inputs.");
  return false;
}

void soft_text(const char* id, const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  wrapped_text(id, text);
  ImGui::PopStyleColor();
}

// The field for the second sentence: compared on Enter or with the button.
void sentence_field(ModelViews& views) {
  const float button_w = button_width("Compare");
  ImGui::SetNextItemWidth(std::max(ImGui::GetFontSize() * 6, ImGui::GetContentRegionAvail().x - button_w -
                                                                   ImGui::GetStyle().ItemSpacing.x));
  if (ImGui::InputTextWithHint("##compare.text", "a second sentence, e.g. the first with one word changed",
                               &views.typed, ImGuiInputTextFlags_EnterReturnsTrue))
    views.text = views.typed;
  audit_item("compare.field");
  ImGui::SameLine();
  if (ImGui::Button("Compare")) views.text = views.typed;
  audit_item("compare.button");
}

// Cells as large as the panels allow side by side, or one under another when that makes them larger.
float cell_size(const std::vector<SmallHeatmap>& panels, ImVec2 avail, bool& stacked) {
  const float gap = ImGui::GetFontSize();
  float across_w = 0, across_rows = 0, room_w = 0, stack_rows = 0, stack_h = 0, cols = 0;
  for (const SmallHeatmap& p : panels) {
    const HeatmapRoom r = heatmap_room(p);
    const auto rows = static_cast<float>(p.values->rows()), c = static_cast<float>(p.values->cols());
    across_w += r.left + r.right + gap, across_rows = std::max(across_rows, rows);
    room_w = std::max(room_w, r.left + r.right), cols = std::max(cols, c);
    stack_rows += rows, stack_h += r.above + r.below + gap;
  }
  float total_cols = 0;
  for (const SmallHeatmap& p : panels) total_cols += static_cast<float>(p.values->cols());
  const HeatmapRoom r = heatmap_room(panels.front());
  const float across = std::min((avail.x - across_w) / total_cols, (avail.y - r.above - r.below) / across_rows);
  const float stack = std::min((avail.x - room_w) / cols, (avail.y - stack_h) / stack_rows);
  stacked = stack > across;
  // Never too small to see from the back of a room: the tab scrolls instead.
  return std::floor(std::max({across, stack, 0.5f * ImGui::GetFontSize()}));
}

void draw_side_by_side(AppState& app, CompareView& view, std::vector<SmallHeatmap>& panels, bool repaint) {
  bool stacked = false;
  const float cell = cell_size(panels, ImGui::GetContentRegionAvail(), stacked);
  const ImVec2 start = ImGui::GetCursorScreenPos();
  float x = start.x, bottom = start.y;
  HeatmapImage* images[] = {&view.first, &view.second, &view.difference};
  for (std::size_t n = 0; n < panels.size(); ++n) {
    if (!stacked) ImGui::SetCursorScreenPos({x, start.y});
    const int row = draw_small_heatmap(panels[n], *images[n], repaint, cell);
    if (row >= 0 && row < app.problem().lq()) app.settings.query = row;
    const HeatmapRoom r = heatmap_room(panels[n]);
    x += r.left + cell * static_cast<float>(panels[n].values->cols()) + r.right + ImGui::GetFontSize();
    bottom = std::max(bottom, ImGui::GetCursorScreenPos().y);
  }
  ImGui::SetCursorScreenPos({start.x, bottom});
  ImGui::Dummy({1, 1});
}

}  // namespace

void draw_compare(AppState& app, CompareView& view) {
  if (!model_shown(app, "compare.text", "Two sentences compare on")) return;
  const ModelRun& run = *app.model.of(app.applied);
  ModelViews& views = app.views;
  // Presenting, the class sees the pictures; the instructions are for the one at the keyboard.
  if (!app.settings.present)
    soft_text("compare.text",
              "The same head on a second sentence: type it and press Enter. Where both have as many tokens, "
              "second − first shows where the attention moved (red: more, blue: less).");
  sentence_field(views);
  if (views.text.empty()) return;
  const ComparedPass* second = compared_pass(views, app.model, app.scripted);
  if (!second) {
    ImGui::ProgressBar(-1.0f * static_cast<float>(ImGui::GetTime()), ImVec2(-1, 0), "running the second sentence …");
    return;
  }
  if (!second->pass) {
    ImGui::PushStyleColor(ImGuiCol_Text, error_text_colour());
    wrapped_text("compare.error", second->error);
    ImGui::PopStyleColor();
    return;
  }
  const Index layer = app.applied.layer, head = app.applied.head;
  const ForwardPass& first_pass = app.model.pass();
  const CompareView::Painted painted{&first_pass,     second->pass.get(), static_cast<int>(layer),
                                     static_cast<int>(head), app.generation, views.text};
  const bool repaint = !(view.painted == painted);
  const bool same_length = run.tokens.ids.size() == second->tokens.ids.size();
  if (repaint) {
    head_of(run.model.config, first_pass, layer, head, view.first_weights, view.first_masked);
    head_of(run.model.config, *second->pass, layer, head, view.second_weights, view.second_masked);
    if (same_length)
      view.difference_weights =
          stage_difference(weights_trace(view.first_weights, view.first_masked),
                           weights_trace(view.second_weights, view.second_masked), Stage::weights)
              .weights;
    view.painted = painted;
  }
  wrapped_text("compare.heading",
               printed("layer %lld · head %lld · the model's weights%s", static_cast<long long>(layer),
                       static_cast<long long>(head),
                       same_length ? ""
                                   : printed(" — no difference: %zu and %zu tokens (the same length compares cell by cell)",
                                             run.tokens.ids.size(), second->tokens.ids.size())
                                         .c_str()));
  const ColourRange weights{0, 1, false};
  std::vector<SmallHeatmap> panels;
  panels.push_back({"compare.first", "first", &view.first_weights, &view.first_masked, weights, &viridis(),
                    run.tokens.labels, run.tokens.labels, "", app.settings.query});
  panels.push_back({"compare.second", "second", &view.second_weights, &view.second_masked, weights, &viridis(),
                    second->tokens.labels, second->tokens.labels, "weights", app.settings.query});
  if (same_length) {
    Trace d;
    d.weights = view.difference_weights;
    const StageColours c = difference_colours(d, Stage::weights);
    const std::vector<std::string> labels = shared_names(run.tokens.labels, second->tokens.labels);
    panels.push_back({"compare.difference", "difference", &view.difference_weights, &view.first_masked,
                      {c.lo, c.hi, true}, &diverging(), labels, labels, kDifference, app.settings.query});
  }
  draw_side_by_side(app, view, panels, repaint);
}

void draw_rollout(AppState& app, CompareView& view) {
  if (!model_shown(app, "rollout.text", "The attention rollout is")) return;
  const ModelRun& run = *app.model.of(app.applied);
  const TimedRollout* rollout = current_rollout(app.views, app.model, app.scripted);
  if (!rollout) {
    ImGui::ProgressBar(-1.0f * static_cast<float>(ImGui::GetTime()), ImVec2(-1, 0), "rolling out every layer …");
    return;
  }
  if (rollout->rollout.size() == 0) {
    wrapped_text("rollout.text", "The rollout could not be computed.");
    return;
  }
  const ModelConfig& c = run.model.config;
  soft_text("rollout.text",
            printed("Attention rollout (Abnar & Zuidema): how much of each token's input reaches each position "
                    "through all %lld layers. Ã = ½(mean of a layer's %lld heads + I), rows renormalised; R is "
                    "every layer's Ã multiplied, the last on the left. %s%.1f ms. Click a row: that query.",
                    static_cast<long long>(c.layers), static_cast<long long>(c.heads),
                    app.model.ablated ? ("Heads " + app.model.ablate + " knocked out. ").c_str() : "",
                    rollout->ms));
  const Matrix& r = rollout->rollout;
  const bool repaint = view.painted_rollout != rollout || view.painted_rollout_generation != app.generation;
  if (repaint) {
    view.painted_rollout_generation = app.generation;
    view.rollout_masked = Matrix::Zero(r.rows(), r.cols());
    for (Index i = 0; i < r.rows(); ++i) view.rollout_masked.row(i).tail(r.cols() - i - 1).setConstant(-INFINITY);
    view.painted_rollout = rollout;
  }
  const SmallHeatmap heatmap{"rollout", "rollout R: rows are positions, columns the input tokens they draw on",
                             &r, &view.rollout_masked, ColourRange{0, 1, false}, &viridis(), run.tokens.labels,
                             run.tokens.labels, "rollout", app.settings.query};
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const HeatmapRoom room = heatmap_room(heatmap);
  const float cell = std::max(3.0f, std::floor(std::min((avail.x - room.left - room.right) / static_cast<float>(r.cols()),
                                                        (avail.y - room.above - room.below) / static_cast<float>(r.rows()))));
  const int row = draw_small_heatmap(heatmap, view.rollout, repaint, cell);
  if (row >= 0) app.settings.query = row;
}

}  // namespace attnlab::gui
