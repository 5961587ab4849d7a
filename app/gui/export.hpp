#pragma once
// Export from the window: the same figures `attnlab export` writes, and the stage matrices. Nothing
// already in the folder is overwritten: each name carries the stage and the settings that made it
// (weights-dk32-noscale-q4.png), and a counter (-2, -3, …) when that name is taken.
#include <filesystem>
#include <string>
#include <vector>

#include "app/gui/settings.hpp"
#include "core/attention/heads.hpp"
#include "core/attention/trace.hpp"
#include "core/figure/figure.hpp"

namespace attnlab::gui {

// What an export draws: the selected head's problem and trace, every head and (with more than one)
// every head's trace for the grid, the settings the data was built from, the query outlined and the
// colour range on screen.
struct ExportSource {
  const Problem& problem;
  const Trace& trace;
  const HeadsProblem& heads;
  std::vector<Trace> head_traces;  // empty with one head
  const Settings& applied;
  int query = 0;
  ColourSpan span;
  std::string qk_norm;  // a model layer with a QK-norm: which side of it q and k are (qk_norm_note), else ""
};

// "dk32-noscale-causal-q4": dₖ, then what differs from the defaults (scaling, mask, temperature,
// precision, q and k before the QK-norm, layer, head), then the query the figure outlines.
std::string settings_tag(const ExportSource& source);
// The names `base` + suffix + ext in `dir` for every base and ext, with the first suffix ("", "-2",
// "-3", …) under which none of them exists yet: one counter for a whole batch.
std::string free_suffix(const std::filesystem::path& dir, const std::vector<std::string>& bases,
                        const std::vector<std::string>& exts);

// `stage` as DIR/<stage>-<settings>.png and .svg (the query outlined) and its matrix as .npy and .csv;
// returns what was written, for the confirmation. Throws on failure, writing nothing.
std::string export_stage(const ExportSource& source, Stage stage, const std::filesystem::path& dir);
// All five stages so, landing together or not at all.
std::string export_all(const ExportSource& source, const std::filesystem::path& dir);

}  // namespace attnlab::gui
