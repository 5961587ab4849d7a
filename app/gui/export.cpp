#include "app/gui/export.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "core/base/error.hpp"
#include "core/figure/figure_heads.hpp"
#include "core/figure/figure_png.hpp"
#include "core/figure/figure_svg.hpp"
#include "core/figure/font.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "core/io/npy.hpp"

namespace attnlab::gui {
namespace {

const std::vector<std::string> stage_exts{".png", ".svg", ".npy", ".csv"};

// A mask spec as a file name can carry it: "window:3" → "window3", a file's path → "maskfile".
std::string mask_tag(const std::string& mask) {
  if (mask.starts_with("file:")) return "maskfile";
  std::string tag;
  for (char c : mask)
    if (c != ':') tag += c;
  return tag;
}

std::string short_number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

// The figure and matrix of `stage` under `base`; with several heads, its title names the head, and a
// second figure, heads-BASE, draws every head in a grid.
void add_stage(const ExportSource& source, AtomicBatch& batch, const std::filesystem::path& dir, Stage stage,
               const std::string& base) {
  const Trace& trace = source.trace;
  const Index h = source.applied.head, count = source.heads.heads(), kv = source.heads.kv_heads();
  // The title says which side of a QK-norm the figure's q and k are, beside the head.
  std::string heading = count > 1 ? head_heading(h, count, kv) : "";
  if (!source.qk_norm.empty()) heading += (heading.empty() ? "" : "  ·  ") + source.qk_norm;
  FigureOptions options{stage, static_cast<Index>(source.query), "", figure_default_width, heading, source.span, 0};
  const Figure figure = build_figure(source.problem, trace, options, figure_font());
  batch.add(dir / (base + ".png"), figure_png(figure, figure_font()));
  batch.add(dir / (base + ".svg"), figure_svg(figure));
  batch.add(dir / (base + ".npy"), npy_bytes(trace.stage(stage)));
  batch.add(dir / (base + ".csv"), csv_bytes(trace.stage(stage)));
  if (count > 1) {
    options.heading = source.qk_norm;
    const Figure grid = build_heads_figure(source.heads, source.head_traces, options, figure_font());
    batch.add(dir / ("heads-" + base + ".png"), figure_png(grid, figure_font()));
    batch.add(dir / ("heads-" + base + ".svg"), figure_svg(grid));
  }
}

void make_dir(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (!std::filesystem::is_directory(dir))
    throw RunError("cannot create the folder " + dir.string() + ": " + error.message());
}

// The names a stage's export takes: its own, and the grid's with several heads.
std::vector<std::string> stage_bases(const ExportSource& source, const std::string& base) {
  if (source.heads.heads() > 1) return {base, "heads-" + base};
  return {base};
}

}  // namespace

std::string settings_tag(const ExportSource& source) {
  const Problem& p = source.problem;
  const Settings& applied = source.applied;
  std::string tag = "dk" + std::to_string(p.dk());
  switch (p.scale.kind) {
    case ScaleSpec::Kind::sqrt: break;
    case ScaleSpec::Kind::none: tag += "-noscale"; break;
    case ScaleSpec::Kind::value: tag += "-scale" + short_number(p.scale.value); break;
  }
  if (p.mask.kind != MaskSpec::Kind::none) tag += "-" + mask_tag(applied.mask);
  if (p.temperature != 1) tag += "-t" + short_number(p.temperature);
  if (p.softcap) tag += "-cap" + short_number(*p.softcap);
  if (p.sink) tag += "-sink" + short_number(*p.sink);
  if (applied.precision != Precision::fp32) tag += "-" + std::string(precision_name(applied.precision));
  if (!applied.subtract_max) tag += "-nomax";
  if (applied.qk_norm_before && !source.qk_norm.empty()) tag += "-prenorm";
  // A model's layers share their heads' numbers: the layer keeps layer 0's file from layer 1's.
  if (applied.source == Source::model) tag += "-layer" + std::to_string(applied.layer);
  if (source.heads.heads() > 1) tag += "-head" + std::to_string(applied.head);
  return tag + "-q" + std::to_string(source.query);
}

std::string free_suffix(const std::filesystem::path& dir, const std::vector<std::string>& bases,
                        const std::vector<std::string>& exts) {
  for (int n = 1;; ++n) {
    const std::string suffix = n == 1 ? "" : "-" + std::to_string(n);
    const bool taken = std::any_of(bases.begin(), bases.end(), [&](const std::string& base) {
      return std::any_of(exts.begin(), exts.end(), [&](const std::string& ext) {
        std::error_code error;
        return std::filesystem::exists(dir / (base + suffix + ext), error);
      });
    });
    if (!taken) return suffix;
  }
}

std::string export_stage(const ExportSource& source, Stage stage, const std::filesystem::path& dir) {
  const std::string base = std::string(stage_name(stage)) + "-" + settings_tag(source);
  const std::string name = base + free_suffix(dir, stage_bases(source, base), stage_exts);
  AtomicBatch batch;
  add_stage(source, batch, dir, stage, name);  // rendered before anything is written
  make_dir(dir);
  batch.commit();
  return "exported " + (dir / name).string() + ".png, .svg, .npy, .csv" +
         (source.heads.heads() > 1 ? " and the grid of heads" : "");
}

std::string export_all(const ExportSource& source, const std::filesystem::path& dir) {
  const std::string tag = settings_tag(source);
  std::vector<std::string> bases;
  const std::span<const Stage> stages = stages_with(source.problem.softcap.has_value());
  for (Stage stage : stages)
    for (const std::string& b : stage_bases(source, std::string(stage_name(stage)) + "-" + tag)) bases.push_back(b);
  const std::string suffix = free_suffix(dir, bases, stage_exts);
  AtomicBatch batch;
  for (Stage stage : stages) add_stage(source, batch, dir, stage, std::string(stage_name(stage)) + "-" + tag + suffix);
  make_dir(dir);
  batch.commit();
  return "exported all " + std::string(stages.size() == 5 ? "five" : "six") + " stages to " + dir.string() +
         " as STAGE-" + tag + suffix + " (.png, .svg, .npy, .csv)";
}

}  // namespace attnlab::gui
