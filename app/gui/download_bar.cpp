#include "app/gui/download_bar.hpp"

#include <imgui.h>

#include <mutex>

#include "app/gui/app_actions.hpp"
#include "app/gui/layout_audit.hpp"
#include "app/gui/widgets.hpp"

namespace attnlab::gui {

bool draw_download(AppState& app) {
  auto& m = app.model_load;
  if (!m.downloading || m.finished) return false;
  platform::DownloadProgress p;
  {
    const std::lock_guard lock(m.mutex);
    p = m.download;
  }
  // What comes, in words that wrap at any width; under it the button and the file's bar, which says
  // its percentage only (a long label would be cut off in a narrow panel).
  const std::string line = p.line.empty() ? "Looking for " + m.folder + " in the Hugging Face cache and on the Hub …"
                                          : "Downloading " + m.folder + " from the Hub: " + p.line;
  wrapped_text("heatmap.download", line);  // its words go to the layout audit, for the tests
  if (ImGui::Button("Cancel download")) act(app, Action::cancel_download);
  audit_item("heatmap.cancel");
  ImGui::SameLine();
  const std::string percent = p.fraction >= 0 ? std::to_string(static_cast<int>(p.fraction * 100)) + " %" : "";
  // Until a file's size is known the bar sweeps (ImGui's negative fraction).
  ImGui::ProgressBar(p.fraction >= 0 ? p.fraction : -1.0f * static_cast<float>(ImGui::GetTime()), ImVec2(-1, 0),
                     percent.c_str());
  audit_item("heatmap.download-bar");
  return true;
}

}  // namespace attnlab::gui
