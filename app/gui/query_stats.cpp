// The selected query's statistics: the Statistics panel's table, and the compact form the stepper
// shows at its foot when they have no panel of their own.
#include "app/gui/query_stats.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "app/gui/labels.hpp"
#include "app/gui/layout_audit.hpp"
#include "app/gui/plot.hpp"
#include "app/gui/style.hpp"
#include "app/gui/widgets.hpp"

namespace attnlab::gui {
namespace {

struct Statistic {
  const char* id;
  const char* name;
  std::string value;
  const char* help;
};

std::vector<Statistic> statistics(AppState& app) {
  const RowStats& s = app.trace().stats[static_cast<std::size_t>(app.settings.query)];
  std::vector<Statistic> out{
      {"stats.std", "std of scaled scores", format_value(s.std, s.std),
       "spread of this row after scaling: near 1 keeps softmax responsive"},
      {"stats.max_weight", "max weight", format_value(s.max_weight, s.max_weight), "1 means all attention on one key"},
      {"stats.entropy", "entropy (nats)", format_value(s.entropy, s.entropy),
       "−Σ p log p: 0 for one key, log n for n equal keys"},
      {"stats.effective_keys", "effective keys", format_value(s.effective_keys, s.effective_keys),
       "exp(entropy): how many keys it really looks at"},
      {"stats.jacobian", "Jacobian norm", format_value(s.jacobian_norm, s.jacobian_norm),
       "‖diag(p) − ppᵀ‖: how much gradient flows back through softmax"},
      {"stats.masked", "masked keys", std::to_string(s.masked_keys) + " of " + std::to_string(app.problem().lk()),
       "keys this query may not see"},
  };
  if (app.problem().sink)
    out.push_back({"stats.sink", "sink's share", format_value(s.sink_weight, s.sink_weight),
                   "the weight the sink took, which no value receives: 1 − Σ weights"});
  return out;
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

std::string saturation_note(const RowStats& s, Index keys) {
  if (s.fully_masked || s.max_weight <= 0.99f) return {};
  // A row with one key the mask leaves (query 0 under a causal mask) is not a sharp softmax.
  if (keys - s.masked_keys == 1) return "One key visible: the weight is 1 by construction.";
  return printed("Saturated: %.1f%% of the weight on one key; almost no gradient flows back.", 100 * s.max_weight);
}

// What the statistics panel warns of: a saturated row, scores spread too wide (and what to try about it:
// with 1/√dₖ already on, the scores themselves are that sharp, as a trained head's often are).
std::vector<std::string> stats_warnings(const RowStats& s, Index keys, bool scaled) {
  std::vector<std::string> out;
  char text[200];
  if (const std::string saturated = saturation_note(s, keys); !saturated.empty()) out.push_back(saturated);
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
  const auto rows = static_cast<float>(statistics(app).size());
  float h = line + rows * (ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y) +
            ImGui::GetStyle().ItemSpacing.y;
  for (const std::string& w : stats_warnings(s, app.problem().lk(), app.applied.scaling_on()))
    h += wrapped_height(w, width);
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
  ImGui::PushStyleColor(ImGuiCol_Text, warning_text_colour());
  for (const std::string& warning : stats_warnings(s, app.problem().lk(), app.applied.scaling_on()))
    wrapped_text("stats.warning", warning);
  ImGui::PopStyleColor();
}

}  // namespace attnlab::gui
