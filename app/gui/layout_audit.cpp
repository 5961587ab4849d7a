#include "app/gui/layout_audit.hpp"

#include <imgui_internal.h>

#include <nlohmann/json.hpp>

namespace attnlab::gui {
namespace {

LayoutAudit::Box box_of(ImVec2 min, ImVec2 max) {
  return {min.x, min.y, max.x, max.y};
}

LayoutAudit::Frame* current_frame() {
  LayoutAudit* audit = layout_audit();
  return audit && !audit->frames.empty() ? &audit->frames.back() : nullptr;
}

nlohmann::json to_json(const LayoutAudit::Box& b) {
  return {b.x0, b.y0, b.x1, b.y1};
}

}  // namespace

void LayoutAudit::begin_frame(int frame, std::vector<std::string> actions) {
  frames.push_back({frame, std::move(actions), {}, {}, {}});
}

std::string LayoutAudit::json() const {
  nlohmann::json report = {
      {"width", width}, {"height", height}, {"present", present}, {"font_size", font_size}, {"frames", {}}};
  for (const Frame& f : frames) {
    nlohmann::json frame = {{"frame", f.frame}, {"actions", f.actions}};
    frame["panels"] = nlohmann::json::array();
    for (const Panel& p : f.panels)
      frame["panels"].push_back(
          {{"name", p.name}, {"visible", to_json(p.visible)}, {"reach_x", p.reach_x}, {"scrolls", p.scrolls}});
    frame["items"] = nlohmann::json::array();
    for (const Item& i : f.items)
      frame["items"].push_back({{"id", i.id}, {"panel", i.panel}, {"box", to_json(i.box)}, {"clip", to_json(i.clip)}});
    frame["texts"] = nlohmann::json::array();
    for (const Text& t : f.texts) {
      frame["texts"].push_back(
          {{"id", t.id}, {"panel", t.panel}, {"text", t.text}, {"width", t.width}, {"room", t.room}});
      if (!t.lines.empty()) frame["texts"].back()["lines"] = t.lines;
    }
    report["frames"].push_back(std::move(frame));
  }
  return report.dump(1) + "\n";
}

LayoutAudit* layout_audit() {
  if (!ImGui::GetCurrentContext()) return nullptr;
  auto* audit = static_cast<LayoutAudit*>(ImGui::GetIO().UserData);
  return audit && audit->on ? audit : nullptr;
}

void audit_panel(const std::string& name) {
  LayoutAudit::Frame* frame = current_frame();
  if (!frame) return;
  const ImGuiWindow* window = ImGui::GetCurrentWindow();
  frame->panels.push_back({name, box_of(window->InnerClipRect.Min, window->InnerClipRect.Max),
                           window->DC.CursorMaxPos.x, window->ScrollMax.y > 0});
}

void audit_box(std::string_view id, ImVec2 min, ImVec2 max) {
  LayoutAudit::Frame* frame = current_frame();
  if (!frame) return;
  const ImDrawList* draw = ImGui::GetWindowDrawList();
  frame->items.push_back({std::string(id), layout_audit()->panel, box_of(min, max),
                          box_of(draw->GetClipRectMin(), draw->GetClipRectMax())});
}

void audit_item(std::string_view id) {
  if (!current_frame()) return;
  audit_box(id, ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
}

void audit_text(std::string_view id, std::string_view text, float width, float room, std::string_view lines) {
  LayoutAudit::Frame* frame = current_frame();
  if (!frame) return;
  frame->texts.push_back({std::string(id), layout_audit()->panel, std::string(text), width, room, std::string(lines)});
}

}  // namespace attnlab::gui
