// Heatmap: the current stage as one texture, labelled axes, a colour bar, the query row outlined.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>

#include "app/gui/panels.hpp"
#include "app/gui/plot.hpp"
#include "core/attention/reference64.hpp"

namespace attnlab::gui {
namespace {

std::string title(const AppState& app) {
  const Problem& p = app.problem();
  std::string scale = p.scale.kind == ScaleSpec::Kind::sqrt   ? "1/√dₖ"
                      : p.scale.kind == ScaleSpec::Kind::none ? "none"
                                                              : p.scale.text();
  if (p.temperature != 1) scale += ", temperature " + format_value(static_cast<float>(p.temperature));
  const std::string stage =
      app.settings.stage == Stage::weights ? "weights (softmax)" : std::string(stage_name(app.settings.stage));
  const Index heads = app.heads.heads();
  const std::string head =
      heads < 2 ? "" : "head " + std::to_string(app.applied.head) + " of " + std::to_string(heads) + " · ";
  return head + stage + "  —  dₖ = " + std::to_string(p.dk()) + ", scale " + scale + ", mask " + p.mask.text();
}

// Toggles one cell of the painted mask, starting from the current mask's pattern.
void paint_cell(AppState& app, Index i, Index j) {
  const Trace& t = app.trace();
  Settings& s = app.settings;
  const Index lk = t.masked.cols();
  if (s.mask != "painted" || s.painted.size() != static_cast<std::size_t>(t.masked.size())) {
    s.painted.assign(static_cast<std::size_t>(t.masked.size()), 1);
    for (Index c = 0; c < t.masked.size(); ++c)
      s.painted[static_cast<std::size_t>(c)] = std::isfinite(t.masked.data()[c]) ? 1 : 0;
    s.mask = "painted";
  }
  auto& cell = s.painted[static_cast<std::size_t>(i * lk + j)];
  cell = cell ? 0 : 1;
}

}  // namespace

void draw_heatmap(AppState& app, HeatmapView& view) {
  const Problem& p = app.problem();
  const Trace& t = app.trace();
  const Stage stage = app.settings.stage;
  // The precision lab's error view: how far each weight is from float64, on a log scale.
  const bool error = app.show_error && stage == Stage::weights && !p.precision.is_default() && t.full;
  if (error && (view.painted_generation != app.generation || !view.painted_error))
    view.error =
        reference_weights_error(p, t.weights).unaryExpr([](float e) { return std::log10(std::max(e, 1e-12f)); });
  const Matrix& m = error ? view.error : t.stage(stage);
  const ColourRange range = error ? ColourRange{-8, 0, false} : stage_colours(app);
  const ColormapTable& table = error ? viridis() : stage_table(stage);
  if (view.painted_generation != app.generation || view.painted_stage != stage || view.painted_range.hi != range.hi ||
      view.painted_error != error) {
    view.image.upload(paint(m, stage == Stage::output ? m : t.masked, range, table), m.rows(), m.cols());
    view.painted_generation = app.generation, view.painted_stage = stage, view.painted_range = range;
    view.painted_error = error;
  }
  ImGui::TextUnformatted(error ? "log₁₀ |weights − float64 weights|" : title(app).c_str());
  if (!p.precision.is_default()) {
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(to_imgui(nan_colour)), "■ NaN");
  }
  if (ImGui::Button("Export (E)")) act(app, Action::export_stage);
  ImGui::SameLine();
  if (ImGui::Button("Export all stages")) act(app, Action::export_all);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  ImGui::InputText("folder", &app.typed.export_dir);
  if (stage == Stage::weights && !p.precision.is_default()) {
    ImGui::SameLine();
    ImGui::Checkbox("error vs float64", &app.show_error);
  }
  if (stage == Stage::weights) {
    ImGui::SameLine();
    ImGui::Checkbox("stretch colours", &app.stretch_weights);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("spread the colours over 0 to the largest weight instead of 0 to 1");
  }
  if (!app.status.empty()) ImGui::TextWrapped("%s", app.status.c_str());

  // Margins for the labels; cells are square and as large as the panel allows.
  const float line = ImGui::GetTextLineHeight();
  float label_w = 0;
  for (Index i = 0; i < std::min<Index>(m.rows(), 64); ++i)
    label_w = std::max(label_w, ImGui::CalcTextSize(query_label(p, i).c_str()).x);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float bar_w = ImGui::CalcTextSize("-0.000e+00").x + 36;
  const float cell = std::max(
      0.05f, std::min((avail.x - label_w - bar_w - 16) / float(m.cols()), (avail.y - 2.5f * line) / float(m.rows())));
  const bool row_labels = cell >= line * 0.9f, col_labels = row_labels;
  const ImVec2 cursor = ImGui::GetCursorScreenPos();
  const ImVec2 origin{cursor.x + (row_labels ? label_w + 8 : 0), cursor.y};
  const ImVec2 size{cell * float(m.cols()), cell * float(m.rows())};
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 text_colour = ImGui::GetColorU32(ImGuiCol_Text);

  ImGui::SetCursorScreenPos(origin);
  ImGui::Image(view.image.texture_id(), size);
  view.x = origin.x, view.y = origin.y, view.cell = cell, view.rows = m.rows(), view.cols = m.cols();
  const bool hovered = ImGui::IsItemHovered();
  if (row_labels)
    for (Index i = 0; i < m.rows(); ++i) {
      const std::string& label = query_label(p, i);
      const float w = ImGui::CalcTextSize(label.c_str()).x;
      draw->AddText({origin.x - 8 - w, origin.y + (float(i) + 0.5f) * cell - line / 2}, text_colour, label.c_str());
    }
  if (col_labels) {
    // Left to right, each label that does not run into the one before it.
    float free_from = -1e9f;
    for (Index j = 0; j < m.cols(); ++j) {
      const std::string label = stage == Stage::output ? "d" + std::to_string(j) : key_label(p, j);
      const float w = ImGui::CalcTextSize(label.c_str()).x, x = origin.x + (float(j) + 0.5f) * cell - w / 2;
      if (x < free_from) continue;
      draw->AddText({x, origin.y + size.y + 4}, text_colour, label.c_str());
      free_from = x + w + 6;
    }
  }
  // Every value printed in its cell when there is room to read it.
  if (cell >= ImGui::CalcTextSize("-0.00").x + 6)
    for (Index i = 0; i < m.rows(); ++i)
      for (Index j = 0; j < m.cols(); ++j) {
        const float v = m(i, j);
        char text[16];
        if (std::isinf(v)) std::snprintf(text, sizeof text, "−∞");
        else std::snprintf(text, sizeof text, std::abs(v) < 10 ? "%.2f" : "%.3g", v);
        const Rgba c = colormap(v, range.lo, range.hi, table);
        const bool dark = 0.299f * c.r + 0.587f * c.g + 0.114f * c.b < 140;
        const float w = ImGui::CalcTextSize(text).x;
        draw->AddText({origin.x + (float(j) + 0.5f) * cell - w / 2, origin.y + (float(i) + 0.5f) * cell - line / 2},
                      dark ? IM_COL32(255, 255, 255, 255) : IM_COL32(0, 0, 0, 255), text);
      }
  // The selected query's row.
  const float qy = origin.y + float(app.settings.query) * cell;
  draw->AddRect({origin.x - 2, qy - 2}, {origin.x + size.x + 2, qy + cell + 2}, IM_COL32(255, 80, 40, 255), 0, 0, 3);

  if (hovered) {
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const Index i = std::clamp<Index>(Index((mouse.y - origin.y) / cell), 0, m.rows() - 1);
    const Index j = std::clamp<Index>(Index((mouse.x - origin.x) / cell), 0, m.cols() - 1);
    if (stage != Stage::output) app.focus_key = static_cast<int>(j);
    ImGui::BeginTooltip();
    if (stage == Stage::output)
      ImGui::Text("query “%s”, dimension %lld: %s", query_label(p, i).c_str(), static_cast<long long>(j),
                  format_value(m(i, j)).c_str());
    else
      ImGui::Text("query “%s” · key “%s”\n%s = %s", query_label(p, i).c_str(), key_label(p, j).c_str(),
                  std::string(stage_name(stage)).c_str(), format_value(m(i, j)).c_str());
    ImGui::TextDisabled(app.settings.mask == "painted" ? "click: block/allow this cell" : "click: select this query");
    ImGui::EndTooltip();
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      if (app.settings.mask == "painted" && stage != Stage::output) paint_cell(app, i, j);
      else app.settings.query = static_cast<int>(i);
    }
  }

  ImGui::SetCursorScreenPos({origin.x + size.x + 16, origin.y});
  colour_bar(table, range.lo, range.hi, {bar_w - 16, std::max(size.y, line * 6)});
}

}  // namespace attnlab::gui
