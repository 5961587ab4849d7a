#include "app/gui/export.hpp"

#include <vector>

#include "core/atomic_file.hpp"
#include "core/csv.hpp"
#include "core/figure.hpp"
#include "core/figure_png.hpp"
#include "core/figure_svg.hpp"
#include "core/font.hpp"
#include "core/npy.hpp"

namespace attnlab::gui {
namespace {

void add_stage(AppState& app, AtomicBatch& batch, const std::filesystem::path& dir, Stage stage) {
  const Trace& trace = app.trace();
  const std::string name(stage_name(stage));
  const FigureOptions options{stage, static_cast<Index>(app.settings.query), "", figure_default_width, ""};
  const Figure figure = build_figure(app.problem(), trace, options, figure_font());
  batch.add(dir / (name + ".png"), figure_png(figure, figure_font()));
  batch.add(dir / (name + ".svg"), figure_svg(figure));
  batch.add(dir / (name + ".npy"), npy_bytes(trace.stage(stage)));
  batch.add(dir / (name + ".csv"), csv_bytes(trace.stage(stage)));
}

void make_dir(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (!std::filesystem::is_directory(dir)) throw RunError("cannot create the folder " + dir.string() + ": " + error.message());
}

}  // namespace

std::string export_stage(AppState& app, const std::filesystem::path& dir) {
  AtomicBatch batch;
  add_stage(app, batch, dir, app.settings.stage);  // rendered in memory before anything is written
  make_dir(dir);
  batch.commit();
  return "exported " + (dir / std::string(stage_name(app.settings.stage))).string() + ".png, .svg, .npy, .csv";
}

std::string export_all(AppState& app, const std::filesystem::path& dir) {
  AtomicBatch batch;
  for (Stage stage : all_stages) add_stage(app, batch, dir, stage);
  make_dir(dir);
  batch.commit();
  return "exported all five stages to " + dir.string() + " (.png, .svg, .npy, .csv)";
}

}  // namespace attnlab::gui
