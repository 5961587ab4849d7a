// attnlab export: one stage as a finished figure (.png or .svg), or as a bare PNG with --plain.
// Everything is checked and rendered in memory first; the file is written last, atomically.
#include <algorithm>
#include <cctype>
#include <filesystem>

#include "app/cli_input.hpp"
#include "app/commands.hpp"
#include "core/atomic_file.hpp"
#include "core/engine.hpp"
#include "core/figure.hpp"
#include "core/figure_png.hpp"
#include "core/figure_svg.hpp"
#include "core/font.hpp"

namespace attnlab::cli {
namespace {

enum class Format { png, svg };

Format format_of(const std::string& out) {
  if (out.empty()) throw InputError("export needs --out FILE.png or FILE.svg");
  std::string ext = std::filesystem::path(out).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".png") return Format::png;
  if (ext == ".svg") return Format::svg;
  throw InputError("--out " + out + ": unknown file type '" + ext + "' (use .png or .svg)");
}

// The option checks that need no input: a mistake here costs no loading and no compute.
void check_options(const ExportOptions& o, Format format) {
  if (o.stage.empty()) throw InputError("export needs --stage: scores, scaled, masked, weights or output");
  parse_stage(o.stage);
  if (!o.colormap.empty()) colormap_table(o.colormap);
  if (o.plain) {
    if (format == Format::svg) throw InputError("--plain writes a bare PNG, not an SVG: --out " + o.out + " must end in .png");
    if (!o.cell_px) throw InputError("--plain needs --cell-px N (the pixels per cell)");
    if (o.width) throw InputError("--width applies to the full figure: --plain is sized by --cell-px");
    if (o.query) throw InputError("--query outlines a row of the full figure: --plain draws no outline");
    if (*o.cell_px < 1 || *o.cell_px > figure_max_side)
      throw InputError("--cell-px " + std::to_string(*o.cell_px) + " is out of range: 1 to " + std::to_string(figure_max_side));
  } else {
    if (o.cell_px) throw InputError("--cell-px applies to --plain only");
    if (o.width && (*o.width < figure_min_width || *o.width > figure_max_side))
      throw InputError("--width " + std::to_string(*o.width) + " is out of range: " + std::to_string(figure_min_width) +
                       " to " + std::to_string(figure_max_side) + " pixels");
  }
}

}  // namespace

int run_export(const InputOptions& input, const ExportOptions& o) {
  const Format format = format_of(o.out);
  check_options(o, format);
  const Stage stage = parse_stage(o.stage);
  const PrecisionMode precision = precision_mode(o.precision);
  Problem problem = load_problem(input);  // input errors before the backend starts
  problem.precision = precision;

  // Checks that need the problem's sizes, still before any compute.
  const Index rows = problem.lq(), cols = stage == Stage::output ? problem.dv() : problem.lk();
  if (o.query && (*o.query < 0 || *o.query >= rows))
    throw InputError("--query " + std::to_string(*o.query) + " is out of range: the problem has " + std::to_string(rows) +
                     " queries (0 to " + std::to_string(rows - 1) + ")");
  if (o.plain) check_plain_size(rows, cols, *o.cell_px);
  if (format == Format::svg && rows * cols > svg_max_cells)
    throw InputError("an SVG of " + shape_str(rows, cols) + " cells would hold more than " + std::to_string(svg_max_cells) +
                     " rects: write a .png instead");
  const Font* font = o.plain ? nullptr : &figure_font();  // a missing font fails before the compute

  Engine engine(open_backend(o.backend, precision));
  engine.set_problem(std::move(problem));
  const Trace& trace = engine.trace();

  std::string bytes;
  if (o.plain) {
    bytes = plain_png(trace, stage, stage_colours(trace.stage(stage), stage, o.colormap), static_cast<int>(*o.cell_px));
  } else {
    FigureOptions figure{stage, o.query, o.colormap, static_cast<int>(o.width.value_or(figure_default_width))};
    const Figure f = build_figure(engine.problem(), trace, figure, *font);
    bytes = format == Format::png ? figure_png(f, *font) : figure_svg(f);
  }
  write_file_atomic(o.out, bytes);
  return 0;
}

}  // namespace attnlab::cli
