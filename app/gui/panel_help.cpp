// The help overlay (? or F1): every key of the window, in one place, over the panels.
#include "app/gui/panel_help.hpp"

#include <imgui.h>

#include <algorithm>

#include "app/gui/keys.hpp"
#include "app/gui/layout_audit.hpp"
#include "app/gui/widgets.hpp"

namespace attnlab::gui {

void draw_help(AppState& app) {
  if (!app.help) return;
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  const std::vector<KeyHelp>& keys = key_help();
  float key_w = 0, what_w = 0;
  for (const KeyHelp& k : keys)
    key_w = std::max(key_w, text_width(k.keys)), what_w = std::max(what_w, text_width(k.what));
  const ImGuiStyle& style = ImGui::GetStyle();
  const ImVec2 wanted{key_w + what_w + 4 * style.CellPadding.x + 2 * style.WindowPadding.x + style.ScrollbarSize,
                      static_cast<float>(keys.size() + 2) * ImGui::GetTextLineHeightWithSpacing() +
                          ImGui::GetFrameHeight() + 2 * style.WindowPadding.y};
  const ImVec2 size{std::min(wanted.x, viewport->WorkSize.x * 0.95f), std::min(wanted.y, viewport->WorkSize.y * 0.95f)};
  ImGui::SetNextWindowPos({viewport->WorkPos.x + (viewport->WorkSize.x - size.x) / 2,
                           viewport->WorkPos.y + (viewport->WorkSize.y - size.y) / 2});
  ImGui::SetNextWindowSize(size);
  ImGui::SetNextWindowFocus();
  bool open = true;
  if (ImGui::Begin("Keys (? or F1)", &open,
                   ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                       ImGuiWindowFlags_NoSavedSettings)) {
    if (LayoutAudit* audit = layout_audit()) audit->panel = "Help";
    if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg)) {
      ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed, key_w);
      ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
      for (const KeyHelp& k : keys) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        audit_text("help.key", k.keys, text_width(k.keys), ImGui::GetContentRegionAvail().x);
        ImGui::TextUnformatted(k.keys.c_str());
        ImGui::TableNextColumn();
        wrapped_text("help.what", k.what);
        audit_item("help.what");
      }
      ImGui::EndTable();
    }
    audit_panel("Help");
  }
  ImGui::End();
  if (!open) app.help = false;
}

}  // namespace attnlab::gui
