#include "app/gui/panel_dashboard.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "app/gui/knockouts.hpp"
#include "app/gui/layout_audit.hpp"
#include "app/gui/plot.hpp"
#include "app/gui/widgets.hpp"
#include "core/colormap/colormap.hpp"

namespace attnlab::gui {
namespace {

constexpr ImU32 selected_colour = IM_COL32(255, 80, 40, 255);  // the heatmap's query outline

// The four jobs are shares of the weights, on [0, 1]; entropy and distance are on [0, their largest],
// and the head that does their "job" most is the lowest entropy (the most focused) and the farthest.
bool is_share(HeadScore s) {
  return s != HeadScore::entropy && s != HeadScore::distance;
}

std::string score_title(HeadScore s) {
  std::string name = head_score_name(s);
  std::replace(name.begin(), name.end(), '_', ' ');
  return name;
}

// The table's headings: narrow, since eight columns share the panel (the grids say them in full).
const char* short_title(HeadScore s) {
  constexpr const char* titles[] = {"prev", "first", "dup", "ind", "ent", "dist"};
  return titles[static_cast<std::size_t>(s)];
}

struct Range {
  double lo = 0, hi = 1;
};
Range range_of(const HeadScores& scores, HeadScore s) {
  if (is_share(s)) return {};
  Range r{0, 0};
  for (const ScoreValues& v : scores.values)
    if (v[s]) r.hi = std::max(r.hi, *v[s]);
  if (r.hi <= 0) r.hi = 1;
  return r;
}

// The head that does the job most: the highest share, the lowest entropy, the farthest distance.
struct Top {
  Index layer = -1, head = -1;
  double value = 0;
};
Top top_of(const HeadScores& scores, HeadScore s) {
  Top top;
  for (Index l = 0; l < scores.layers; ++l)
    for (Index h = 0; h < scores.heads; ++h)
      if (const std::optional<double>& v = scores.at(l, h)[s];
          v && (top.layer < 0 || (s == HeadScore::entropy ? *v < top.value : *v > top.value)))
        top = {l, h, *v};
  return top;
}

// A click on a head: its heatmap (the weights stage); with Alt, knocked out or back.
void clicked(AppState& app, Index layer, Index head) {
  Settings& s = app.settings;
  if (ImGui::GetIO().KeyAlt) {
    toggle_knockout(s, layer, head);
    return;
  }
  s.layer = static_cast<int>(layer), s.head = static_cast<int>(head), s.stage = Stage::weights;
}

void score_grid(AppState& app, const HeadScores& scores, HeadScore s, ImVec2 at, float cell) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const Top top = top_of(scores, s);
  const char* job = s == HeadScore::entropy ? "lowest" : s == HeadScore::distance ? "farthest" : "top";
  // Two lines: the score, then its top head, so that a narrow column still holds them.
  const std::string top_line = top.layer < 0 ? "no query has one"
                                             : printed("%s %lld.%lld (%.2f)", job, static_cast<long long>(top.layer),
                                                       static_cast<long long>(top.head), top.value);
  // The shares' colours run over [0, 1]; entropy's and distance's range is said with their name.
  const Range range = range_of(scores, s);
  const std::string title = is_share(s) ? score_title(s) : printed("%s 0–%.2f", score_title(s).c_str(), range.hi);
  draw->AddText(at, ImGui::GetColorU32(ImGuiCol_Text), title.c_str());
  draw->AddText({at.x, at.y + ImGui::GetTextLineHeight()}, ImGui::GetColorU32(ImGuiCol_Text), top_line.c_str());
  audit_box("scores.caption", at,
            {at.x + std::max(text_width(title), text_width(top_line)), at.y + 2 * ImGui::GetTextLineHeight()});
  const ImVec2 grid{at.x, at.y + 2 * ImGui::GetTextLineHeight() + ImGui::GetStyle().ItemSpacing.y};
  for (Index l = 0; l < scores.layers; ++l)
    for (Index h = 0; h < scores.heads; ++h) {
      const ImVec2 min{grid.x + static_cast<float>(h) * cell, grid.y + static_cast<float>(l) * cell};
      const ImVec2 max{min.x + cell - 1, min.y + cell - 1};
      const std::optional<double>& v = scores.at(l, h)[s];
      const Rgba colour = v ? colormap(static_cast<float>(*v), static_cast<float>(range.lo),
                                       static_cast<float>(range.hi), viridis())
                            : masked_colour;
      draw->AddRectFilled(min, max, to_imgui(colour));
      if (knocked_out(app.settings, l, h)) knockout_mark(draw, min, max);
      if (l == app.applied.layer && h == app.applied.head)
        draw->AddRect({min.x - 1, min.y - 1}, {max.x + 1, max.y + 1}, selected_colour, 0, 0, 2);
      if (l == top.layer && h == top.head)
        draw->AddRect(min, max, ImGui::GetColorU32(ImGuiCol_Text), 0, 0, 1.5f);
    }
  // One invisible button over the grid: the cell under the pointer is the head.
  ImGui::SetCursorScreenPos(grid);
  const ImVec2 size{cell * static_cast<float>(scores.heads), cell * static_cast<float>(scores.layers)};
  ImGui::InvisibleButton(("grid." + std::string(head_score_name(s))).c_str(), size);
  audit_item(std::string("scores.grid.") + head_score_name(s));
  if (!ImGui::IsItemHovered()) return;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const auto l = static_cast<Index>((mouse.y - grid.y) / cell), h = static_cast<Index>((mouse.x - grid.x) / cell);
  if (l < 0 || l >= scores.layers || h < 0 || h >= scores.heads) return;
  const std::optional<double>& v = scores.at(l, h)[s];
  ImGui::SetTooltip("layer %lld, head %lld: %s %s\nclick: its heatmap · Alt+click: knock it out",
                    static_cast<long long>(l), static_cast<long long>(h), score_title(s).c_str(),
                    v ? printed("%.3f", *v).c_str() : "— (no query has one)");
  if (ImGui::IsItemClicked()) clicked(app, l, h);
}

// Six grids in the columns that make their cells largest in `height`, each column as wide as its captions.
void grids(AppState& app, const HeadScores& scores, float height) {
  const float width = ImGui::GetContentRegionAvail().x;
  const float caption_h = 2 * ImGui::GetTextLineHeight() + ImGui::GetStyle().ItemSpacing.y;
  const float gap = ImGui::GetFontSize();
  const float caption_w = text_width("distance 0–00.00") + gap / 2;
  const auto count = static_cast<int>(all_head_scores.size());
  int columns = 1;
  float cell = 0;
  for (const int c : {1, 2, 3, 6}) {
    const float column_w = (width - gap * static_cast<float>(c - 1)) / static_cast<float>(c);
    if (c > 1 && column_w < caption_w) break;
    const int rows = (count + c - 1) / c;
    const float w = column_w / static_cast<float>(scores.heads);
    const float h = (height / static_cast<float>(rows) - caption_h - gap / 2) / static_cast<float>(scores.layers);
    if (std::min(w, h) > cell) cell = std::min(w, h), columns = c;
  }
  // Never too small to see or click: the panel scrolls instead.
  cell = std::clamp(std::floor(cell), std::ceil(0.75f * ImGui::GetFontSize()), 3 * ImGui::GetFontSize());
  const float column_w = (width - gap * static_cast<float>(columns - 1)) / static_cast<float>(columns);
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const float block_h = caption_h + cell * static_cast<float>(scores.layers) + gap / 2;
  for (int n = 0; n < count; ++n) {
    const ImVec2 at{start.x + static_cast<float>(n % columns) * (column_w + gap),
                    start.y + static_cast<float>(n / columns) * block_h};
    score_grid(app, scores, all_head_scores[static_cast<std::size_t>(n)], at, cell);
  }
  ImGui::SetCursorScreenPos({start.x, start.y + static_cast<float>((count + columns - 1) / columns) * block_h});
}

// One row per head, sorted by the column clicked (highest first, the empty ones last).
void table(AppState& app, const HeadScores& scores, float height) {
  // Columns as wide as their numbers; a narrow panel scrolls sideways rather than cutting them.
  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX |
                                ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
  const int columns = 1 + static_cast<int>(all_head_scores.size());
  if (!ImGui::BeginTable("scores.table", columns, flags, {0, height})) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("head", ImGuiTableColumnFlags_DefaultSort);
  for (const HeadScore s : all_head_scores)
    ImGui::TableSetupColumn(short_title(s), ImGuiTableColumnFlags_PreferSortDescending);
  ImGui::TableHeadersRow();
  std::vector<Index> order(static_cast<std::size_t>(scores.layers * scores.heads));
  for (std::size_t n = 0; n < order.size(); ++n) order[n] = static_cast<Index>(n);
  if (const ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsCount > 0) {
    const ImGuiTableColumnSortSpecs& by = specs->Specs[0];
    const bool descending = by.SortDirection == ImGuiSortDirection_Descending;
    const auto key = [&](Index n) -> std::optional<double> {
      if (by.ColumnIndex == 0) return static_cast<double>(n);  // layer by layer
      return scores.values[static_cast<std::size_t>(n)][all_head_scores[static_cast<std::size_t>(by.ColumnIndex - 1)]];
    };
    std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) {
      const std::optional<double> x = key(a), y = key(b);
      if (!x || !y) return x.has_value() && !y.has_value();
      return descending ? *x > *y : *x < *y;
    });
  }
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(order.size()));
  while (clipper.Step())
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      const Index n = order[static_cast<std::size_t>(row)], l = n / scores.heads, h = n % scores.heads;
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const bool selected = l == app.applied.layer && h == app.applied.head;
      // "1.2", crossed out in words when knocked out.
      const std::string label = std::to_string(l) + "." + std::to_string(h) +
                                (knocked_out(app.settings, l, h) ? " out" : "") + "##row" + std::to_string(n);
      if (ImGui::Selectable(label.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns)) clicked(app, l, h);
      for (const HeadScore s : all_head_scores) {
        ImGui::TableNextColumn();
        if (const std::optional<double>& v = scores.at(l, h)[s]) ImGui::Text("%.2f", *v);
      }
    }
  ImGui::EndTable();
  audit_item("scores.table");
}

}  // namespace

void draw_dashboard(AppState& app) {
  const ModelRun* run = app.model.of(app.applied);
  if (!run || app.applied.source != Source::model) {
    wrapped_text("scores.text", "The head scores are a real model's: choose the source “model” in the Inputs.");
    return;
  }
  const TimedScores* timed = current_scores(app.jobs, app.model, app.scripted);
  const HeadScores* scores = timed ? &timed->scores : nullptr;
  if (!scores) {
    ImGui::ProgressBar(-1.0f * static_cast<float>(ImGui::GetTime()), ImVec2(-1, 0), "scoring every head …");
    return;
  }
  if (scores->layers == 0) {
    wrapped_text("scores.text", "These heads could not be scored.");
    return;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(app.settings.present ? ImGuiCol_Text
                                                                                    : ImGuiCol_TextDisabled));
  wrapped_text("scores.text", printed("%zu tokens, scored in %.0f ms. Layers down, heads across. Click: its "
                                      "heatmap; Alt+click: knock it out.",
                                      run->tokens.ids.size(), timed->ms));
  ImGui::PopStyleColor();
  const float avail = ImGui::GetContentRegionAvail().y;
  const float table_h = std::max(ImGui::GetTextLineHeightWithSpacing() * 5, avail * 0.3f);
  grids(app, *scores, std::max(avail - table_h - ImGui::GetStyle().ItemSpacing.y, ImGui::GetFontSize() * 6));
  table(app, *scores, std::max(ImGui::GetContentRegionAvail().y, ImGui::GetTextLineHeightWithSpacing() * 5));
}

}  // namespace attnlab::gui
