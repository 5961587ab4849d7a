#include "app/gui/export.hpp"

#include <vector>

#include "core/figure/figure.hpp"
#include "core/figure/figure_heads.hpp"
#include "core/figure/figure_png.hpp"
#include "core/figure/figure_svg.hpp"
#include "core/figure/font.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "core/io/npy.hpp"

namespace attnlab::gui {
namespace {

// The selected head's figure and matrix; with several heads, its title names the head, and a
// second figure, heads-STAGE, draws every head in a grid.
void add_stage(AppState& app, AtomicBatch& batch, const std::filesystem::path& dir, Stage stage,
               const std::vector<Trace>& heads) {
  const Trace& trace = app.trace();
  const std::string name(stage_name(stage));
  const Index h = app.applied.head, count = app.heads.heads(), kv = app.heads.kv_heads();
  FigureOptions options{stage,
                        static_cast<Index>(app.settings.query),
                        "",
                        figure_default_width,
                        count > 1 ? head_heading(h, count, kv) : "",
                        colour_span(app.settings),
                        0};
  const Figure figure = build_figure(app.problem(), trace, options, figure_font());
  batch.add(dir / (name + ".png"), figure_png(figure, figure_font()));
  batch.add(dir / (name + ".svg"), figure_svg(figure));
  batch.add(dir / (name + ".npy"), npy_bytes(trace.stage(stage)));
  batch.add(dir / (name + ".csv"), csv_bytes(trace.stage(stage)));
  if (count > 1) {
    options.heading.clear();
    const Figure grid = build_heads_figure(app.heads, heads, options, figure_font());
    batch.add(dir / ("heads-" + name + ".png"), figure_png(grid, figure_font()));
    batch.add(dir / ("heads-" + name + ".svg"), figure_svg(grid));
  }
}

// Every head's trace when there are several (the grid figures need them), else none.
std::vector<Trace> all_heads(AppState& app) {
  if (app.heads.heads() < 2) return {};
  return compute_heads(app.engine->backend(), app.heads);
}

void make_dir(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (!std::filesystem::is_directory(dir))
    throw RunError("cannot create the folder " + dir.string() + ": " + error.message());
}

}  // namespace

std::string export_stage(AppState& app, const std::filesystem::path& dir) {
  AtomicBatch batch;
  add_stage(app, batch, dir, app.settings.stage, all_heads(app));  // rendered in memory before anything is written
  make_dir(dir);
  batch.commit();
  return "exported " + (dir / std::string(stage_name(app.settings.stage))).string() + ".png, .svg, .npy, .csv" +
         (app.heads.heads() > 1 ? " and the grid of heads" : "");
}

std::string export_all(AppState& app, const std::filesystem::path& dir) {
  AtomicBatch batch;
  const std::vector<Trace> heads = all_heads(app);
  for (Stage stage : all_stages) add_stage(app, batch, dir, stage, heads);
  make_dir(dir);
  batch.commit();
  return "exported all five stages to " + dir.string() + " (.png, .svg, .npy, .csv)";
}

}  // namespace attnlab::gui
