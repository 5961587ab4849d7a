#include "app/gui/knockouts.hpp"

#include <algorithm>
#include <string>

#include "app/gui/layout_audit.hpp"
#include "app/gui/widgets.hpp"
#include "core/model/ablation.hpp"

namespace attnlab::gui {
namespace {

constexpr ImU32 mark_colour = IM_COL32(255, 60, 60, 230);

std::vector<HeadRef> listed(const Settings& s) {
  if (s.ablate.empty()) return {};
  try {
    return parse_ablation(s.ablate, "zero").heads;
  } catch (const InputError&) {
    return {};  // a bad list from a file: its load says why
  }
}

}  // namespace

bool knocked_out(const Settings& s, Index layer, Index head) {
  const std::vector<HeadRef> heads = listed(s);
  return std::find(heads.begin(), heads.end(), HeadRef{layer, head}) != heads.end();
}

void toggle_knockout(Settings& s, Index layer, Index head) {
  std::vector<HeadRef> heads = listed(s);
  const auto at = std::find(heads.begin(), heads.end(), HeadRef{layer, head});
  if (at == heads.end()) heads.push_back({layer, head});
  else heads.erase(at);
  std::sort(heads.begin(), heads.end(),
            [](const HeadRef& a, const HeadRef& b) { return a.layer != b.layer ? a.layer < b.layer : a.head < b.head; });
  s.ablate.clear();
  for (const HeadRef& h : heads)
    s.ablate += (s.ablate.empty() ? "" : ",") + std::to_string(h.layer) + "." + std::to_string(h.head);
}

void knockout_mark(ImDrawList* draw, ImVec2 min, ImVec2 max) {
  // Thin enough on a large thumbnail that the head's pattern still shows through.
  const float width = std::clamp(std::min(max.x - min.x, max.y - min.y) / 8, 2.0f, 4.0f);
  draw->AddLine(min, max, mark_colour, width);
  draw->AddLine({min.x, max.y}, {max.x, min.y}, mark_colour, width);
}

void knockout_controls(AppState& app) {
  Settings& s = app.settings;
  const bool out = knocked_out(s, s.layer, s.head);
  bool toggle = out;
  const std::string label = printed("knock out head %d.%d (X, or Alt+click)", s.layer, s.head);
  Flow flow;
  flow.next(checkbox_width(label));
  if (ImGui::Checkbox(label.c_str(), &toggle)) toggle_knockout(s, s.layer, s.head);
  audit_item("knockout.toggle");
  if (s.ablate.empty()) return;
  const float mode_w = ImGui::GetFontSize() * 5;
  flow.next(mode_w);
  ImGui::SetNextItemWidth(mode_w);
  int mode = s.ablate_mean ? 1 : 0;
  if (ImGui::Combo("##ablation", &mode, "zero\0mean\0")) s.ablate_mean = mode == 1;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("a knocked-out head's output: 0, or its mean over the positions");
  flow.next(button_width("bring every head back"));
  if (ImGui::Button("bring every head back")) s.ablate.clear();
  audit_item("knockout.restore");
  wrapped_text("knockout.list", "knocked out: " + s.ablate + (s.ablate_mean ? " (mean)" : " (zero)") +
                                    " — Ctrl+Z undoes");
}

}  // namespace attnlab::gui
