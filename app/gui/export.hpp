#pragma once
// Export from the window: the same figures `attnlab export` writes, and the stage matrices. Nothing
// already in the folder is overwritten: each name carries the stage and the settings that made it
// (weights-dk32-noscale-q4.png), and a counter (-2, -3, …) when that name is taken.
#include <filesystem>
#include <string>
#include <vector>

#include "app/gui/app_state.hpp"

namespace attnlab::gui {

// "dk32-noscale-causal-q4": dₖ, then what differs from the defaults (scaling, mask, temperature,
// precision, head), then the query the figure outlines.
std::string settings_tag(AppState& app);
// The names `base` + suffix + ext in `dir` for every base and ext, with the first suffix ("", "-2",
// "-3", …) under which none of them exists yet: one counter for a whole batch.
std::string free_suffix(const std::filesystem::path& dir, const std::vector<std::string>& bases,
                        const std::vector<std::string>& exts);

// The current stage as DIR/<stage>-<settings>.png and .svg (the selected query outlined) and its
// matrix as .npy and .csv; returns what was written, for the confirmation. Throws on failure,
// writing nothing.
std::string export_stage(AppState& app, const std::filesystem::path& dir);
// All five stages so, landing together or not at all.
std::string export_all(AppState& app, const std::filesystem::path& dir);

}  // namespace attnlab::gui
