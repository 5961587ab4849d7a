#include "app/gui/small_heatmap.hpp"

#include <algorithm>
#include <cmath>

#include "app/gui/layout_audit.hpp"
#include "app/gui/plot.hpp"
#include "app/gui/widgets.hpp"
#include "core/figure/axis_labels.hpp"
#include "core/figure/figure_text.hpp"

namespace attnlab::gui {
namespace {

constexpr ImU32 selected_colour = IM_COL32(255, 80, 40, 255);  // the heatmap's query outline

float widest(const std::vector<std::string>& texts) {
  float w = 0;
  for (const std::string& t : texts) w = std::max(w, text_width(t));
  return w;
}

// Labels shortened to about seven characters' width: a tab has less room than the Heatmap panel.
std::vector<std::string> short_labels(const std::vector<std::string>& labels) {
  std::vector<std::string> out;
  const float most = ImGui::GetFontSize() * 5;
  for (const std::string& l : axis_texts(labels))
    out.push_back(shorten(l, most, [](const std::string& s) { return text_width(s); }));
  return out;
}

float bar_width(const SmallHeatmap& h) {
  if (h.bar_title.empty()) return 0;
  float ticks = 0;
  for (const Tick& t : nice_ticks(h.range.lo, h.range.hi)) ticks = std::max(ticks, text_width(t.text));
  const float font = ImGui::GetFontSize();
  return std::max(font * 0.5f + font + 6 + ticks, text_width(h.bar_title));
}

}  // namespace

HeatmapRoom heatmap_room(const SmallHeatmap& h) {
  const float line = ImGui::GetTextLineHeight(), gap = ImGui::GetFontSize() * 0.5f;
  return {widest(short_labels(h.rows)) + gap, line + 4, line + gap, bar_width(h) + (h.bar_title.empty() ? 0 : gap)};
}

int draw_small_heatmap(const SmallHeatmap& h, HeatmapImage& image, bool repaint, float cell) {
  const Matrix& m = *h.values;
  if (repaint) image.upload(paint(m, h.masked ? *h.masked : m, h.range, *h.table), m.rows(), m.cols());
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), soft = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const HeatmapRoom room = heatmap_room(h);
  const float line = ImGui::GetTextLineHeight(), gap = ImGui::GetFontSize() * 0.5f;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const ImVec2 origin{at.x + room.left, at.y + room.above};
  const ImVec2 size{cell * static_cast<float>(m.cols()), cell * static_cast<float>(m.rows())};

  // The title, shortened to the panel's width.
  const float title_room = room.left + size.x;  // the colour bar's title has the room right of it
  const std::string title = shorten(h.title, title_room, [](const std::string& s) { return text_width(s); });
  draw->AddText(at, text, title.c_str());
  audit_box(h.id + ".title", at, {at.x + text_width(title), at.y + line});

  ImGui::SetCursorScreenPos(origin);
  ImGui::Image(image.texture_id(), size);
  audit_item(h.id + ".cells");
  const bool hovered = ImGui::IsItemHovered();
  int clicked = -1;
  if (hovered) {
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const auto i = std::clamp<Index>(static_cast<Index>((mouse.y - origin.y) / cell), 0, m.rows() - 1);
    const auto j = std::clamp<Index>(static_cast<Index>((mouse.x - origin.x) / cell), 0, m.cols() - 1);
    const std::string row = i < static_cast<Index>(h.rows.size()) ? h.rows[static_cast<std::size_t>(i)] : "";
    const std::string col = j < static_cast<Index>(h.cols.size()) ? h.cols[static_cast<std::size_t>(j)] : "";
    ImGui::SetTooltip("%s · query “%s” · key “%s”: %s", h.title.c_str(), row.c_str(), col.c_str(),
                      format_value(m(i, j)).c_str());
    if (ImGui::IsItemClicked()) clicked = static_cast<int>(i);
  }
  if (h.selected_row >= 0 && h.selected_row < m.rows()) {
    const float y = origin.y + cell * static_cast<float>(h.selected_row);
    draw->AddRect({origin.x, y}, {origin.x + size.x, y + cell}, selected_colour, 0, 0, std::clamp(cell / 8, 1.0f, 3.0f));
  }

  // Labels where they fit: every stride-th row and column, as the figures choose them.
  const std::vector<std::string> rows = short_labels(h.rows), cols = short_labels(h.cols);
  const Index row_stride = label_stride(cell, line);
  for (Index i : labelled(0, std::min<Index>(m.rows(), static_cast<Index>(rows.size())), row_stride)) {
    const std::string& t = rows[static_cast<std::size_t>(i)];
    const ImVec2 p{origin.x - gap / 2 - text_width(t), origin.y + (static_cast<float>(i) + 0.5f) * cell - line / 2};
    draw->AddText(p, text, t.c_str());
    audit_box(h.id + ".row_label", p, {p.x + text_width(t), p.y + line});
  }
  const Index col_stride = label_stride(cell, widest(cols) + gap);
  for (Index j : labelled(0, std::min<Index>(m.cols(), static_cast<Index>(cols.size())), col_stride)) {
    const std::string& t = cols[static_cast<std::size_t>(j)];
    const ImVec2 p{origin.x + (static_cast<float>(j) + 0.5f) * cell - text_width(t) / 2, origin.y + size.y + 2};
    draw->AddText(p, text, t.c_str());
    audit_box(h.id + ".col_label", p, {p.x + text_width(t), p.y + line});
  }

  // The colour bar: the table from lo (bottom) to hi (top), its ticks, its title above it.
  if (!h.bar_title.empty()) {
    const float bar_x = origin.x + size.x + gap, bar_w = ImGui::GetFontSize();
    const float bar_h = std::max(size.y, line * 4);
    for (int e = 0; e < 256; ++e) {
      const float y1 = origin.y + bar_h - static_cast<float>(e) * bar_h / 256;
      draw->AddRectFilled({bar_x, y1 - bar_h / 256 - 0.5f}, {bar_x + bar_w, y1},
                          to_imgui((*h.table)[static_cast<std::size_t>(e)]));
    }
    draw->AddText({bar_x, at.y}, soft, h.bar_title.c_str());
    audit_box(h.id + ".bar_title", {bar_x, at.y}, {bar_x + text_width(h.bar_title), at.y + line});
    audit_box(h.id + ".colour_bar", {bar_x, origin.y}, {bar_x + bar_w, origin.y + bar_h});
    for (const Tick& t : nice_ticks(h.range.lo, h.range.hi)) {
      const float y = origin.y + bar_h * (h.range.hi - t.value) / (h.range.hi - h.range.lo);
      draw->AddLine({bar_x + bar_w, y}, {bar_x + bar_w + 4, y}, text);
      draw->AddText({bar_x + bar_w + 6, y - line / 2}, text, t.text.c_str());
      audit_box(h.id + ".tick", {bar_x + bar_w + 6, y - line / 2},
                {bar_x + bar_w + 6 + text_width(t.text), y + line / 2});
    }
  }
  ImGui::SetCursorScreenPos({at.x, origin.y + std::max(size.y, h.bar_title.empty() ? 0 : line * 4) + room.below});
  ImGui::Dummy({1, 1});
  return clicked;
}

}  // namespace attnlab::gui
