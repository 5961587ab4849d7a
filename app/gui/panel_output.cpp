// Output: the query's output vector as a sum of weighted value vectors, stacked per key.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "app/gui/layout_audit.hpp"
#include "app/gui/panels.hpp"
#include "app/gui/plot.hpp"
#include "app/gui/widgets.hpp"
#include "core/attention/query_view.hpp"

namespace attnlab::gui {
namespace {

constexpr int shown_keys = 7;  // the heaviest keys get a colour each (okabe_ito); the rest are grouped
constexpr Index shown_dims = 24;

}  // namespace

const std::string& query_label(const Problem& p, Index i) {
  return p.query_tokens[static_cast<std::size_t>(i)];
}
const std::string& key_label(const Problem& p, Index j) {
  return p.key_tokens[static_cast<std::size_t>(j)];
}

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

namespace {

struct Statistic {
  const char* id;
  const char* name;
  std::string value;
  const char* help;
};

std::vector<Statistic> statistics(AppState& app) {
  const RowStats& s = app.trace().stats[static_cast<std::size_t>(app.settings.query)];
  return {
      {"stats.std", "std of scaled scores", format_value(s.std),
       "spread of this row after scaling: near 1 keeps softmax responsive"},
      {"stats.max_weight", "max weight", format_value(s.max_weight), "1 means all attention on one key"},
      {"stats.entropy", "entropy (nats)", format_value(s.entropy), "−Σ p log p: 0 for one key, log n for n equal keys"},
      {"stats.effective_keys", "effective keys", format_value(s.effective_keys),
       "exp(entropy): how many keys it really looks at"},
      {"stats.jacobian", "Jacobian norm", format_value(s.jacobian_norm),
       "‖diag(p) − ppᵀ‖: how much gradient flows back through softmax"},
      {"stats.masked", "masked keys", std::to_string(s.masked_keys) + " of " + std::to_string(app.problem().lk()),
       "keys this query may not see"},
  };
}

// "std of scaled scores: 1.113": the colon keeps a pair apart from the next one on its line.
std::string compact(const Statistic& s) {
  return std::string(s.name) + ": " + s.value;
}

const char* fully_masked_text = "This query may attend no key: its weights and output are all zero.";

}  // namespace

float stats_height(AppState& app, float width) {
  const RowStats& s = app.trace().stats[static_cast<std::size_t>(app.settings.query)];
  if (s.fully_masked) return wrapped_height(fully_masked_text, width);
  std::vector<float> widths;
  for (const Statistic& stat : statistics(app)) widths.push_back(text_width(compact(stat)));
  return static_cast<float>(flow_lines(widths, width)) * ImGui::GetTextLineHeightWithSpacing();
}

// What the statistics panel warns of: a saturated row, scores spread too wide (and what to try about it:
// with 1/√dₖ already on, the scores themselves are that sharp, as a trained head's often are).
std::vector<std::string> stats_warnings(const RowStats& s, bool scaled) {
  std::vector<std::string> out;
  char text[200];
  if (s.max_weight > 0.99f) {
    std::snprintf(text, sizeof text,
                  "Saturated: one key takes %.1f%% of the weight; the gradient through softmax is nearly 0.",
                  100 * s.max_weight);
    out.push_back(text);
  }
  if (s.std > 3) {
    std::snprintf(
        text, sizeof text, "Scaled scores spread %.1f× wider than 1: softmax is close to one-hot. %s", s.std,
        scaled ? "They are scaled already: the scores themselves are this sharp." : "Try scaling by 1/√dₖ (S).");
    out.push_back(text);
  }
  return out;
}

float stats_panel_height(AppState& app, float width) {
  const RowStats& s = app.trace().stats[static_cast<std::size_t>(app.settings.query)];
  const float line = ImGui::GetTextLineHeightWithSpacing();
  if (s.fully_masked) return line + wrapped_height(fully_masked_text, width);
  float h =
      line + 6 * (ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y) + ImGui::GetStyle().ItemSpacing.y;
  for (const std::string& w : stats_warnings(s, app.applied.scaling_on())) h += wrapped_height(w, width);
  return h;
}

void draw_stats(AppState& app, bool compact_form) {
  const Problem& p = app.problem();
  const RowStats& s = app.trace().stats[static_cast<std::size_t>(app.settings.query)];
  if (!compact_form) audited_text("stats.query", "query \u201c" + query_label(p, app.settings.query) + "\u201d");
  if (s.fully_masked) {
    wrapped_text("stats.fully_masked", fully_masked_text);
    return;
  }
  const std::vector<Statistic> all = statistics(app);
  if (compact_form) {
    // One line of name–value pairs, each kept whole, wrapping between them.
    Flow flow;
    for (const Statistic& stat : all) {
      const std::string text = compact(stat);
      flow.next(text_width(text));
      audited_text(stat.id, text);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", stat.help);
    }
    return;
  }
  if (ImGui::BeginTable("stats", 2, ImGuiTableFlags_RowBg)) {
    float name_w = 0;
    for (const Statistic& stat : all) name_w = std::max(name_w, text_width(stat.name));
    ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthFixed, name_w);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    for (const Statistic& stat : all) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      audit_text(stat.id, stat.name, text_width(stat.name), ImGui::GetContentRegionAvail().x);
      ImGui::TextUnformatted(stat.name);
      audit_item(std::string(stat.id) + ".name");
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", stat.help);
      ImGui::TableNextColumn();
      audit_text(stat.id, stat.value, text_width(stat.value), ImGui::GetContentRegionAvail().x);
      ImGui::TextUnformatted(stat.value.c_str());
      audit_item(stat.id);
    }
    ImGui::EndTable();
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4{1.0f, 0.55f, 0.2f, 1.0f});
  for (const std::string& warning : stats_warnings(s, app.applied.scaling_on())) wrapped_text("stats.warning", warning);
  ImGui::PopStyleColor();
}

}  // namespace attnlab::gui
