#pragma once
// Export from the window: the same figures `attnlab export` writes, and the stage matrices.
#include <filesystem>
#include <string>

#include "app/gui/app_state.hpp"

namespace attnlab::gui {

// The current stage as DIR/<stage>.png and .svg (the selected query outlined) and its matrix as
// .npy and .csv; returns what was written, for the confirmation. Throws on failure, writing nothing.
std::string export_stage(AppState& app, const std::filesystem::path& dir);
// All five stages so, plus stats.csv, landing together or not at all.
std::string export_all(AppState& app, const std::filesystem::path& dir);

}  // namespace attnlab::gui
