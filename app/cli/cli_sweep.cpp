// attnlab sweep: the dk sweep as CSV, one line per dk and scale, and with --plot the same numbers
// as a figure. Options are checked before the sweep runs; both files land together, atomically.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

#include "app/cli/cli_input.hpp"
#include "app/cli/command.hpp"
#include "core/figure/figure_png.hpp"
#include "core/figure/figure_svg.hpp"
#include "core/figure/font.hpp"
#include "core/figure/sweep_figure.hpp"
#include "core/io/atomic_file.hpp"
#include "core/sweep/sweep.hpp"

namespace attnlab::cli {
namespace {

struct SweepCliOptions {
  std::string dk;  // "A:B" or "a,b,c"
  long long length = 32;
  int trials = 64;
  std::uint64_t seed = 0;
  double sigma = 1.0;
  std::string out;
  std::string plot;                // FILE.png or FILE.svg: the four plots as a figure, beside the CSV
  std::optional<long long> width;  // of the figure; only with --plot
};

// True for .svg, false for .png; anything else is an input error.
bool plot_is_svg(const std::string& plot) {
  std::string ext = std::filesystem::path(plot).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".png" || ext == ".svg") return ext == ".svg";
  throw InputError("--plot " + plot + ": unknown file type '" + ext + "' (use .png or .svg)");
}

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

}  // namespace

// The sweep takes no INPUT: its problems are its own.
Command add_sweep_command(CLI::App& app, InputOptions&, HubCliOptions&) {
  auto options = std::make_shared<SweepCliOptions>();
  SweepCliOptions& o = *options;
  auto* command =
      app.add_subcommand("sweep", "why 1/√dk: row statistics of random problems against dk, scaled and not");
  command->add_option("--dk", o.dk, "A:B (the powers of two from A to B) or a,b,c")->required();
  command->add_option("--len", o.length, "L = Lq = Lk of each problem (default 32)")
      ->transform(whole_number(limits::sweep_length));
  command->add_option("--trials", o.trials, "random problems per dk (default 64)")
      ->transform(whole_number(limits::sweep_trials));
  command->add_option("--seed", o.seed, "generator seed (default 0)")->transform(seed_number());
  command->add_option("--sigma", o.sigma, "σ of Q and K (default 1)")->check(positive_number());
  command->add_option("--out", o.out, "the CSV file to write")->required();
  command->add_option("--plot", o.plot, "FILE.png or FILE.svg: also draw the four plots (written with the CSV)");
  command
      ->add_option_function<long long>(
          "--width", [&o](const long long& w) { o.width = w; }, "with --plot: figure width in pixels (default 1600)")
      ->transform(whole_number({figure_min_width, figure_max_side}));
  return {command, [options] { return run_sweep(*options); }};
}

}  // namespace attnlab::cli
