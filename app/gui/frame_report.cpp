#include "app/gui/frame_report.hpp"

#include <nlohmann/json.hpp>

namespace attnlab::gui {

std::string FrameReport::json() const {
  nlohmann::json report = {{"live", live}, {"width", width}, {"height", height}, {"frames", nlohmann::json::array()}};
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const Frame& f = frames[i];
    report["frames"].push_back({{"frame", i},
                                {"ms", f.ms},
                                {"swap_ms", f.swap_ms},
                                {"generating", f.generating},
                                {"landed", f.landed},
                                {"tokens", f.tokens}});
  }
  return report.dump(1) + "\n";
}

}  // namespace attnlab::gui
