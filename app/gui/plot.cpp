#include "app/gui/plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/gui/layout_audit.hpp"
#include "app/gui/style.hpp"
#include "core/figure/axis_labels.hpp"
#include "core/figure/figure_text.hpp"

namespace attnlab::gui {

ImU32 to_imgui(Rgba c) {
  return IM_COL32(c.r, c.g, c.b, c.a);
}

ImU32 okabe_ito(int i) {
  static const ImU32 colours[] = {IM_COL32(230, 159, 0, 255),  IM_COL32(86, 180, 233, 255), IM_COL32(0, 158, 115, 255),
                                  IM_COL32(240, 228, 66, 255), IM_COL32(0, 114, 178, 255),  IM_COL32(213, 94, 0, 255),
                                  IM_COL32(204, 121, 167, 255)};
  // The same hues darkened for a light background: each at least 3:1 against it (WCAG AA for graphics).
  static const ImU32 on_light[] = {IM_COL32(176, 110, 0, 255), IM_COL32(40, 120, 170, 255), IM_COL32(0, 128, 92, 255),
                                   IM_COL32(150, 130, 0, 255), IM_COL32(0, 114, 178, 255),  IM_COL32(213, 94, 0, 255),
                                   IM_COL32(170, 80, 130, 255)};
  return (light_theme() ? on_light : colours)[i % 7];
}

std::string format_value(float v) {
  if (std::isinf(v)) return v < 0 ? "−∞" : "∞";
  if (std::isnan(v)) return "NaN";
  char text[32];
  std::snprintf(text, sizeof text, std::abs(v) >= 1e4f || (v != 0 && std::abs(v) < 1e-3f) ? "%.2e" : "%.3f", v);
  return text;
}

std::string format_value(float v, float largest) {
  if (!std::isfinite(v) || largest >= 1e5f) return format_value(v);
  return attnlab::format_value(v, column_decimals(largest));
}

int column_decimals(float largest) {
  return largest < 100 ? 3 : largest < 1000 ? 1 : 0;
}

float largest_magnitude(std::span<const float> values) {
  float largest = 0;
  for (const float v : values)
    if (std::isfinite(v)) largest = std::max(largest, std::abs(v));
  return largest;
}

int bar_chart(const char* id, const Bars& bars, ImVec2 size) {
  ImGui::PushID(id);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("bars", size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const int n = static_cast<int>(bars.values.size());
  const float label_h = ImGui::GetTextLineHeight() + 4;
  const float plot_h = size.y - label_h;
  const float span = bars.hi - bars.lo > 0 ? bars.hi - bars.lo : 1;
  const auto y_of = [&](float v) {
    return origin.y + plot_h * (1 - (std::clamp(v, bars.lo, bars.hi) - bars.lo) / span);
  };
  const float zero_y = y_of(std::clamp(0.0f, bars.lo, bars.hi));
  const ImU32 text_colour = ImGui::GetColorU32(ImGuiCol_Text), faint = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  draw->AddLine({origin.x, zero_y}, {origin.x + size.x, zero_y}, faint);
  int under_mouse = -1;
  if (n == 0) {
    ImGui::PopID();
    return -1;
  }
  const float slot = size.x / static_cast<float>(n), gap = std::min(slot * 0.15f, 6.0f);
  // Labels under the bars, shortened to a few letters at most.
  const float most = ImGui::CalcTextSize("because").x, space = ImGui::CalcTextSize(" ").x;
  std::vector<std::string> labels;
  for (const std::string& label : bars.labels)
    labels.push_back(shorten(label, most, [](const std::string& t) { return ImGui::CalcTextSize(t.c_str()).x; }));
  // Which bars are labelled: the highlighted one, then the tallest first, each where it does not
  // crowd a label already placed (a space either side). The keys that matter are named first.
  std::vector<float> label_x(labels.size(), NAN);
  {
    std::vector<int> order(labels.size());
    for (std::size_t j = 0; j < order.size(); ++j) order[j] = static_cast<int>(j);
    const auto height = [&](int j) {
      const float v = j < n ? bars.values[static_cast<std::size_t>(j)] : 0;
      return j == bars.highlight ? INFINITY : std::isfinite(v) ? std::abs(v) : -1.0f;
    };
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return height(a) > height(b); });
    std::vector<std::pair<float, float>> taken;
    for (const int j : order) {
      if (j >= n) continue;
      const float w = ImGui::CalcTextSize(labels[static_cast<std::size_t>(j)].c_str()).x;
      const float mid = origin.x + (static_cast<float>(j) + 0.5f) * slot;
      const float x = std::clamp(mid - w / 2, origin.x, origin.x + size.x - w);
      bool free = true;
      for (const auto& [a, b] : taken) free = free && (x + w + space <= a || x >= b + space);
      if (!free) continue;
      taken.push_back({x, x + w});
      label_x[static_cast<std::size_t>(j)] = x;
    }
  }
  const ImU32 cap_colour = okabe_ito(5);
  if (bars.cap > 0) {
    for (const float level : {bars.cap, -bars.cap}) {
      const float y = y_of(level);
      for (float x = origin.x; x < origin.x + size.x; x += 10)
        draw->AddLine({x, y}, {std::min(x + 6, origin.x + size.x), y}, cap_colour, 2);
      const std::string text = level > 0 ? "+C" : "\u2212C";
      const ImVec2 t = ImGui::CalcTextSize(text.c_str());
      const ImVec2 at{origin.x + size.x - t.x - 2, level > 0 ? y + 2 : y - t.y - 2};
      draw->AddText(at, cap_colour, text.c_str());
    }
  }
  std::vector<ImVec2> after;
  for (int j = 0; j < n; ++j) {
    const float x0 = origin.x + j * slot + gap, x1 = origin.x + (j + 1) * slot - gap;
    const float v = bars.values[static_cast<std::size_t>(j)];
    if (std::isinf(v) && v < 0) {
      draw->AddRectFilled({x0, zero_y - 3}, {x1, zero_y + 3}, to_imgui(masked_colour));
    } else {
      const float y = y_of(v);
      draw->AddRectFilled({x0, std::min(y, zero_y)}, {x1, std::max(y, zero_y) + 1}, bars.colour(j));
    }
    // The value before the cap, outlined where the cap moved it by a pixel or more.
    if (j < static_cast<int>(bars.before.size())) {
      const float b = bars.before[static_cast<std::size_t>(j)];
      if (std::isfinite(b) && std::isfinite(v) && std::abs(y_of(b) - y_of(v)) >= 1)
        draw->AddRect({x0, std::min(y_of(b), zero_y)}, {x1, std::max(y_of(b), zero_y) + 1}, cap_colour, 0, 0, 1.5f);
    }
    if (j < static_cast<int>(bars.after.size()) && std::isfinite(bars.after[static_cast<std::size_t>(j)]))
      after.push_back({(x0 + x1) / 2, y_of(bars.after[static_cast<std::size_t>(j)])});
    if (j == bars.highlight) draw->AddRect({x0 - 2, origin.y}, {x1 + 2, origin.y + plot_h}, text_colour, 0, 0, 2);
    if (j < static_cast<int>(labels.size()) && !std::isnan(label_x[static_cast<std::size_t>(j)])) {
      const std::string& label = labels[static_cast<std::size_t>(j)];
      const float w = ImGui::CalcTextSize(label.c_str()).x, x = label_x[static_cast<std::size_t>(j)];
      draw->AddText({x, origin.y + plot_h + 2}, text_colour, label.c_str());
      audit_box("bars.label", {x, origin.y + plot_h + 2}, {x + w, origin.y + plot_h + 2 + label_h - 4});
      audit_text("bars.label", label, w, size.x);
    }
    if (hovered && ImGui::GetIO().MousePos.x >= origin.x + j * slot &&
        ImGui::GetIO().MousePos.x < origin.x + (j + 1) * slot)
      under_mouse = j;
  }
  if (after.size() > 1) draw->AddPolyline(after.data(), static_cast<int>(after.size()), cap_colour, 0, 2.5f);
  for (const ImVec2& point : after) draw->AddCircleFilled(point, 3.5f, cap_colour);
  ImGui::PopID();
  return under_mouse;
}

void line_plot(const char* id, const LinePlot& plot, ImVec2 size) {
  ImGui::PushID(id);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), faint = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const auto tx = [&](float x) { return plot.log2_x ? std::log2(x) : x; };
  float x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const Series& s : plot.series)
    for (std::size_t i = 0; i < s.x.size(); ++i)
      if (std::isfinite(s.y[i]))
        x0 = std::min(x0, tx(s.x[i])), x1 = std::max(x1, tx(s.x[i])), y0 = std::min(y0, s.y[i]),
        y1 = std::max(y1, s.y[i]);
  if (!(x1 > x0)) x0 = 0, x1 = 1;
  y0 = std::min(y0, 0.0f);
  if (!(y1 > y0)) y1 = y0 + 1;
  // Round ticks (1, 2, 2.5 or 5 × a power of ten), the axis up to the first at or above the data, and
  // every other one when the plot is short.
  std::vector<Tick> ticks = nice_ticks(y0, y1);
  if (!ticks.empty() && ticks.back().value < y1 && ticks.size() > 1)
    y1 = ticks.back().value + (ticks.back().value - ticks[ticks.size() - 2].value);
  ticks = nice_ticks(y0, y1);
  // Below: the x ticks and the axis title. Above: the title, and half a line for the top tick's label,
  // which is centred on its value.
  const float bottom = line + 6 + (plot.x_title.empty() ? 0 : line), above = 1.5f * line + 4;
  if (size.y - above - bottom < 2.5f * line * static_cast<float>(ticks.size())) {
    std::vector<Tick> fewer;
    for (std::size_t t = 0; t < ticks.size(); t += 2) fewer.push_back(ticks[t]);
    ticks = fewer;
  }
  float left = 0;
  for (const Tick& tick : ticks) left = std::max(left, ImGui::CalcTextSize(tick.text.c_str()).x);
  left += 10;
  const ImVec2 a{origin.x + left, origin.y + above}, b{origin.x + size.x - 6, origin.y + size.y - bottom};
  const auto px = [&](float x) { return a.x + (tx(x) - x0) / (x1 - x0) * (b.x - a.x); };
  const auto py = [&](float y) { return b.y - (y - y0) / (y1 - y0) * (b.y - a.y); };
  // The title: the longest form that fits over the plot.
  std::string title = plot.titles.empty() ? std::string() : plot.titles.back();
  for (const std::string& t : plot.titles)
    if (ImGui::CalcTextSize(t.c_str()).x <= size.x) {
      title = t;
      break;
    }
  title = shorten(title, size.x, [](const std::string& t) { return ImGui::CalcTextSize(t.c_str()).x; });
  draw->AddText({origin.x, origin.y}, text, title.c_str());
  audit_box("plot.title", origin, {origin.x + ImGui::CalcTextSize(title.c_str()).x, origin.y + line});
  draw->AddRect(a, b, faint);
  for (const Tick& tick : ticks) {
    const ImVec2 at{a.x - 6 - ImGui::CalcTextSize(tick.text.c_str()).x, py(tick.value) - line / 2};
    draw->AddText(at, text, tick.text.c_str());
    audit_box("plot.tick", at, {a.x - 6, at.y + line});
    audit_text("plot.ytick", tick.text, 0, 0);
  }
  // x ticks at 1, 4, 16, … (every tick of a linear axis at 1, 2, 4, …), every stride-th when they crowd.
  std::vector<float> xs;
  for (float x = 1; tx(x) <= x1 + 1e-3f; x *= plot.log2_x ? 4 : 2)
    if (tx(x) >= x0 - 1e-3f) xs.push_back(x);
  float widest = 0;
  for (float x : xs)
    widest = std::max(widest, ImGui::CalcTextSize(std::to_string(static_cast<long long>(x)).c_str()).x);
  const float spacing = xs.size() > 1 ? px(xs[1]) - px(xs[0]) : b.x - a.x;
  const Index stride = label_stride(spacing, widest + ImGui::CalcTextSize("  ").x);
  for (std::size_t k = 0; k < xs.size(); ++k) {
    const float x = xs[k];
    draw->AddLine({px(x), b.y}, {px(x), b.y + 4}, text);
    if (static_cast<Index>(k) % stride != 0) continue;
    const std::string label = std::to_string(static_cast<long long>(x));
    const float w = ImGui::CalcTextSize(label.c_str()).x;
    const ImVec2 at{std::clamp(px(x) - w / 2, origin.x, origin.x + size.x - w), b.y + 5};
    draw->AddText(at, text, label.c_str());
    audit_box("plot.tick", at, {at.x + w, at.y + line});
  }
  if (!plot.x_title.empty()) {
    const float w = ImGui::CalcTextSize(plot.x_title.c_str()).x;
    const ImVec2 at{(a.x + b.x - w) / 2, b.y + 5 + line};
    draw->AddText(at, text, plot.x_title.c_str());
    audit_box("plot.xtitle", at, {at.x + w, at.y + line});
    audit_text("plot.xtitle", plot.x_title, w, b.x - a.x);
  }
  if (std::isfinite(plot.marker_x) && tx(plot.marker_x) >= x0 && tx(plot.marker_x) <= x1)
    draw->AddLine({px(plot.marker_x), a.y}, {px(plot.marker_x), b.y}, IM_COL32(255, 80, 40, 255), 2);
  float legend_x = b.x;
  for (auto it = plot.series.rbegin(); it != plot.series.rend(); ++it) {
    const Series& s = *it;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      const ImVec2 p{px(s.x[i]), py(s.y[i])};
      if (s.points_only) draw->AddCircleFilled(p, 5, s.colour);
      else if (i > 0) draw->AddLine({px(s.x[i - 1]), py(s.y[i - 1])}, p, s.colour, 2.5f);
    }
    if (!plot.legend) continue;
    legend_x -= ImGui::CalcTextSize(s.name.c_str()).x + 22;
    draw->AddRectFilled({legend_x, origin.y + 3}, {legend_x + 12, origin.y + line - 3}, s.colour);
    draw->AddText({legend_x + 15, origin.y}, text, s.name.c_str());
  }
  ImGui::PopID();
}

}  // namespace attnlab::gui
