// attnlab sweep: the dk sweep as CSV, one line per dk and scale, and with --plot the same numbers
// as a figure. Options are checked before the sweep runs; both files land together, atomically.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

#include "app/commands.hpp"
#include "core/figure/figure_png.hpp"
#include "core/figure/figure_svg.hpp"
#include "core/figure/font.hpp"
#include "core/figure/sweep_figure.hpp"
#include "core/io/atomic_file.hpp"
#include "core/sweep/sweep.hpp"

namespace attnlab::cli {
namespace {

// True for .svg, false for .png; anything else is an input error.
bool plot_is_svg(const std::string& plot) {
  std::string ext = std::filesystem::path(plot).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".png" || ext == ".svg") return ext == ".svg";
  throw InputError("--plot " + plot + ": unknown file type '" + ext + "' (use .png or .svg)");
}

}  // namespace

int run_sweep(const SweepCliOptions& options) {
  SweepOptions o;
  o.dks = parse_dk_list(options.dk);
  o.length = static_cast<Index>(options.length);
  o.trials = options.trials;
  o.seed = options.seed;
  o.sigma = options.sigma;
  check_sweep(o);
  if (options.out.empty()) throw InputError("sweep needs --out FILE.csv");
  const bool plot = !options.plot.empty();
  const bool svg = plot && plot_is_svg(options.plot);
  if (options.width && !plot) throw InputError("--width applies to the figure: it needs --plot FILE.png or FILE.svg");
  if (options.width && (*options.width < figure_min_width || *options.width > figure_max_side))
    throw InputError("--width " + std::to_string(*options.width) + " is out of range: " +
                     std::to_string(figure_min_width) + " to " + std::to_string(figure_max_side) + " pixels");
  if (plot && same_destination(options.plot, options.out))
    throw InputError("--plot and --out name the same file (" + options.plot + " and " + options.out +
                     "): the figure would replace the CSV");
  const Font* font = plot ? &figure_font() : nullptr;  // a missing font fails before the sweep

  const std::vector<SweepPoint> points = sweep(o);
  std::string csv = "dk,scale,score_std,max_weight,entropy,jacobian_norm\n";
  char line[256];
  for (const SweepPoint& p : points) {
    std::snprintf(line, sizeof line, "%lld,%s,%.9g,%.9g,%.9g,%.9g\n", static_cast<long long>(p.dk),
                  p.scaled ? "sqrt" : "none", p.score_std, p.max_weight, p.entropy, p.jacobian_norm);
    csv += line;
  }
  AtomicBatch files;
  files.add(options.out, std::move(csv));
  if (plot) {
    SweepFigureOptions figure;
    figure.sweep = o;
    figure.width = static_cast<int>(options.width.value_or(figure_default_width));
    const Figure f = build_sweep_figure(points, figure, *font);
    files.add(options.plot, svg ? figure_svg(f) : figure_png(f, *font));
  }
  files.commit();
  return 0;
}

}  // namespace attnlab::cli
