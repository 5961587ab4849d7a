#include "app/gui/generation_bar.hpp"

#include <imgui.h>

#include "app/gui/app_actions.hpp"
#include "app/gui/app_generate.hpp"
#include "app/gui/layout_audit.hpp"
#include "app/gui/widgets.hpp"

namespace attnlab::gui {

bool draw_generation(AppState& app) {
  const std::string line = generation_progress(app);
  const Generating& g = app.generating;
  // One token (G) comes too soon for a bar, but for a page's, made a layer per frame.
  if (line.empty() || (g.asked < 2 && !g.parts)) return false;
  wrapped_text("heatmap.generation", line);
  if (ImGui::Button("Cancel")) act(app, Action::cancel_generation);
  audit_item("heatmap.cancel-generation");
  ImGui::SameLine();
  const double part = g.parts ? static_cast<double>(g.parts->done()) / static_cast<double>(g.parts->parts()) : 0;
  const auto done = static_cast<float>((g.made + part) / g.asked);
  ImGui::ProgressBar(done, ImVec2(-1, 0), (std::to_string(g.made) + " / " + std::to_string(g.asked)).c_str());
  audit_item("heatmap.generation-bar");
  return true;
}

}  // namespace attnlab::gui
