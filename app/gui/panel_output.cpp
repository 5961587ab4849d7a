// Output: the query's output vector as a sum of weighted value vectors, stacked per key.
#include "app/gui/panel_output.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "app/gui/labels.hpp"
#include "app/gui/layout_audit.hpp"
#include "app/gui/plot.hpp"
#include "app/gui/widgets.hpp"
#include "core/attention/query_view.hpp"

namespace attnlab::gui {
namespace {

constexpr int shown_keys = 7;  // the heaviest keys get a colour each (okabe_ito); the rest are grouped
constexpr Index shown_dims = 24;

}  // namespace

void draw_output(AppState& app) {
  const Problem& p = app.problem();
  const QueryView view = query_view(p, app.trace(), app.settings.query);
  std::vector<Index> order(static_cast<std::size_t>(p.lk()));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](Index a, Index b) { return view.weights(a) > view.weights(b); });
  const int keys = std::min<int>(shown_keys, static_cast<int>(p.lk()));
  const Index dims = std::min(shown_dims, p.dv());

  wrapped_text(
      "output.title",
      "output of “" + query_label(p, app.settings.query) + "” = Σ weight · value" +
          (p.dv() > dims ? " (first " + std::to_string(dims) + " of " + std::to_string(p.dv()) + " dimensions)" : ""));
  // Legend: the heaviest keys and their weights, wrapping onto more lines rather than running off.
  Flow flow;
  const float swatch = ImGui::GetFontSize();
  for (int k = 0; k < keys; ++k) {
    const Index j = order[static_cast<std::size_t>(k)];
    if (view.weights(j) <= 0) break;
    char text[96];
    std::snprintf(text, sizeof text, "%s %.2f", key_label(p, j).c_str(), view.weights(j));
    flow.next(swatch + 4 + text_width(text));
    ImGui::BeginGroup();
    ImGui::ColorButton(("##key" + std::to_string(k)).c_str(), ImGui::ColorConvertU32ToFloat4(okabe_ito(k)),
                       ImGuiColorEditFlags_NoTooltip, {swatch, swatch});
    ImGui::SameLine(0, 4);
    ImGui::TextUnformatted(text);
    ImGui::EndGroup();
    audit_item("output.legend");
  }
  if (p.lk() > keys) {
    flow.next(text_width("■ others"));
    ImGui::TextDisabled("■ others");
    audit_item("output.legend");
  }

  // Stacked bars: positive parts upwards from 0, negative parts downwards; a line marks the sum.
  float top = 0, bottom = 0;
  for (Index d = 0; d < dims; ++d) {
    top = std::max(top, view.contributions.col(d).cwiseMax(0.0f).sum());
    bottom = std::min(bottom, view.contributions.col(d).cwiseMin(0.0f).sum());
  }
  if (top - bottom <= 0) top = 1;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 size{ImGui::GetContentRegionAvail().x,
                    std::max(ImGui::GetContentRegionAvail().y - 4, ImGui::GetFontSize() * 4)};
  ImGui::Dummy(size);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float label_h = ImGui::GetTextLineHeight() + 2, plot_h = size.y - label_h;
  const auto y_of = [&](float v) { return origin.y + plot_h * (top - v) / (top - bottom); };
  const float slot = size.x / float(std::max<Index>(dims, 1)), gap = std::min(slot * 0.2f, 6.0f);
  draw->AddLine({origin.x, y_of(0)}, {origin.x + size.x, y_of(0)}, ImGui::GetColorU32(ImGuiCol_TextDisabled));
  for (Index d = 0; d < dims; ++d) {
    const float x0 = origin.x + float(d) * slot + gap, x1 = origin.x + float(d + 1) * slot - gap;
    float up = 0, down = 0;
    for (int k = 0; k <= keys; ++k) {  // k == keys: every other key, grouped
      float part = 0;
      if (k < keys) part = view.contributions(order[static_cast<std::size_t>(k)], d);
      else
        for (std::size_t r = static_cast<std::size_t>(keys); r < order.size(); ++r)
          part += view.contributions(order[r], d);
      const ImU32 colour = k < keys ? okabe_ito(k) : IM_COL32(150, 150, 150, 255);
      float& base = part >= 0 ? up : down;
      draw->AddRectFilled({x0, y_of(base + std::max(part, 0.0f))}, {x1, y_of(base + std::min(part, 0.0f))}, colour);
      base += part;
    }
    const float y = y_of(view.output(d));
    draw->AddLine({x0 - 2, y}, {x1 + 2, y}, ImGui::GetColorU32(ImGuiCol_Text), 3);
    if (slot > ImGui::CalcTextSize("d00").x) {
      const std::string label = "d" + std::to_string(d);
      draw->AddText({(x0 + x1 - ImGui::CalcTextSize(label.c_str()).x) / 2, origin.y + plot_h + 2},
                    ImGui::GetColorU32(ImGuiCol_Text), label.c_str());
    }
  }
}

}  // namespace attnlab::gui
