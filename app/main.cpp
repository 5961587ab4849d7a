// attnlab: the command line of Attention Lab (cli.md). Exit status 0 success, 2 bad usage or
// input (one line on stderr), 1 any other failure.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <string_view>

#include "app/cli_backend.hpp"
#include "app/cli_input.hpp"
#include "app/cli_tokens.hpp"
#include "app/commands.hpp"
#include "core/figure/figure.hpp"
#include "core/inputs/examples.hpp"
#include "core/inputs/model_examples.hpp"

namespace {

// An error is one line on stderr, even when it quotes a path or value holding a newline.
std::string one_line(std::string message) {
  for (std::size_t at = 0; (at = message.find_first_of("\r\n", at)) != std::string::npos;)
    message.replace(at, 1, message[at] == '\n' ? "\\n" : "\\r");
  return message;
}

int run(int argc, char** argv) {
  using namespace attnlab;
  CLI::App app{"Attention Lab: scaled dot-product attention, softmax(QKᵀ/√dk + mask)·V, stage by stage", "attnlab"};
  app.set_version_flag("--version", std::string("attnlab ") + ATTNLAB_VERSION);
  app.require_subcommand(0, 1);

  InputOptions input;
  // Numbers whose range depends on the problem or the figure are checked there; here only that they are numbers.
  const CLI::Validator any_whole =
      cli::whole_number({std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()});
  const CLI::Validator figure_width = cli::whole_number({figure_min_width, figure_max_side});
  cli::ComputeOptions compute;
  cli::BenchOptions bench;

  auto* compute_cmd = app.add_subcommand("compute", "compute every stage and write them as .npy files");
  cli::add_input_options(*compute_cmd, input);
  cli::add_backend_option(*compute_cmd, compute.backend);
  cli::add_verbose_option(*compute_cmd);
  cli::add_precision_options(*compute_cmd, compute.precision);
  compute_cmd->add_option("--dump", compute.dump,
                          "directory for scores/scaled/masked/weights/output.npy and stats.csv");
  compute_cmd->add_flag("--print", compute.print, "print the weights as a table with token labels");

  auto* bench_cmd = app.add_subcommand("bench", "time the engine (median of --repeat runs)");
  cli::add_input_options(*bench_cmd, input);
  cli::add_backend_option(*bench_cmd, bench.backend);
  cli::add_verbose_option(*bench_cmd);
  bench_cmd->add_option("--repeat", bench.repeat, "timed runs after one warm-up (default 10)")
      ->transform(cli::whole_number(limits::repeat));
  bench_cmd->add_option("--stages", bench.stages, "all (the full trace, default) or output (output-only mode)");
  bench_cmd->add_option("--after", bench.after, "scale, mask or query: time the recompute after that change only");
  bench_cmd->add_flag("--json", bench.json, "one JSON object on stdout");
  bench_cmd
      ->add_option_function<long long>(
          "--tile", [&](const long long& n) { bench.tile = n; },
          "with --stages output: N keys per tile (default 256, CPU backend)")
      ->transform(cli::whole_number(limits::size));

  cli::ExportOptions export_options;
  auto* export_cmd = app.add_subcommand("export", "write one stage as a figure (.png or .svg) for slides and papers");
  cli::add_input_options(*export_cmd, input);
  cli::add_backend_option(*export_cmd, export_options.backend);
  cli::add_verbose_option(*export_cmd);
  cli::add_precision_options(*export_cmd, export_options.precision);
  export_cmd->add_option("--stage", export_options.stage,
                         "scores, scaled, masked, weights or output (capped with a soft-cap)");
  export_cmd->add_option("--out", export_options.out, "FILE.png or FILE.svg (written whole or not at all)");
  export_cmd
      ->add_option_function<long long>(
          "--query", [&](const long long& q) { export_options.query = q; }, "outline this query's row")
      ->transform(any_whole);
  export_cmd
      ->add_option_function<long long>(
          "--width", [&](const long long& w) { export_options.width = w; },
          "figure width in pixels (default 1600; 2400 for a 4K slide)")
      ->transform(figure_width);
  export_cmd->add_option("--colormap", export_options.colormap,
                         "viridis (default for weights, on [0, 1]) or diverging (default for the others, around 0)");
  export_cmd
      ->add_option_function<std::string>(
          "--head", [&](const std::string& h) { export_options.head = h; },
          "one head's figure, 0 to H−1, or all: every head in a grid "
          "(the default with more than one head)")
      ->type_name("N|all");
  export_cmd->add_flag(
      "--stretch", export_options.stretch,
      "weights' colours over 0 to the largest weight instead of 0 to 1 (the window's stretch colours)");
  export_cmd
      ->add_option_function<std::string>(
          "--range", [&](const std::string& r) { export_options.range = r; },
          "the colour range: shared (scores, scaled and masked on one range, as the window's same colours) or LO:HI")
      ->type_name("shared|LO:HI");
  export_cmd
      ->add_option_function<std::string>(
          "--aspect", [&](const std::string& a) { export_options.aspect = a; },
          "lay the figure out for a slide of this shape, W:H (e.g. 16:9): its height is width × H / W")
      ->type_name("W:H");
  export_cmd->add_flag("--plain", export_options.plain, "a bare PNG: N×N pixels per cell, no labels, no margins");
  export_cmd
      ->add_option_function<long long>(
          "--cell-px", [&](const long long& n) { export_options.cell_px = n; }, "with --plain: N, the pixels per cell")
      ->transform(cli::whole_number({1, figure_max_side}));

  cli::GuiOptions gui;
  auto* gui_cmd = app.add_subcommand("gui", "open the window (also what attnlab alone does)");
  for (CLI::App* command : {static_cast<CLI::App*>(&app), gui_cmd}) {
    // The window's options work with and without the word "gui".
    const char* group = command == &app ? "WINDOW (attnlab alone opens it)" : "WINDOW";
    if (command == gui_cmd) cli::add_input_options(*command, input);
    cli::add_window_options(*command, gui, group);
  }
  cli::add_input_options(app, input);
  cli::add_backend_option(*gui_cmd, gui.backend);
  cli::add_precision_options(*gui_cmd, gui.precision);

  cli::SweepCliOptions sweep;
  auto* sweep_cmd =
      app.add_subcommand("sweep", "why 1/√dk: row statistics of random problems against dk, scaled and not");
  sweep_cmd->add_option("--dk", sweep.dk, "A:B (the powers of two from A to B) or a,b,c")->required();
  sweep_cmd->add_option("--len", sweep.length, "L = Lq = Lk of each problem (default 32)")
      ->transform(cli::whole_number(limits::sweep_length));
  sweep_cmd->add_option("--trials", sweep.trials, "random problems per dk (default 64)")
      ->transform(cli::whole_number(limits::sweep_trials));
  sweep_cmd->add_option("--seed", sweep.seed, "generator seed (default 0)")->transform(cli::seed_number());
  sweep_cmd->add_option("--sigma", sweep.sigma, "σ of Q and K (default 1)")->check(cli::positive_number());
  sweep_cmd->add_option("--out", sweep.out, "the CSV file to write")->required();
  sweep_cmd->add_option("--plot", sweep.plot, "FILE.png or FILE.svg: also draw the four plots (written with the CSV)");
  sweep_cmd
      ->add_option_function<long long>(
          "--width", [&](const long long& w) { sweep.width = w; }, "with --plot: figure width in pixels (default 1600)")
      ->transform(figure_width);

  auto* examples_cmd = app.add_subcommand("examples", "list the built-in examples, one name per line");

  cli::TokensOptions tokens;
  auto* tokens_cmd = cli::add_tokens_command(app, tokens);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::string message = e.what();
    // CLI11 writes a refused value as "--lq: 0 is out of range"; our messages say "--lq 0 is ...".
    if (const std::size_t colon = message.find(": ");
        dynamic_cast<const CLI::ValidationError*>(&e) && message.starts_with("--") && colon < message.find(' '))
      message.erase(colon, 1);
    std::cerr << "attnlab: " << one_line(message) << "\n";
    return 2;
  }

  if (*sweep_cmd) return cli::run_sweep(sweep);
  if (*tokens_cmd) return cli::run_tokens(tokens);
  if (*examples_cmd) {
    for (const auto& name : example_names()) std::cout << name << "\n";
    for (const ModelExample& e : model_examples()) std::cout << e.name << "\n";
    return 0;
  }
  if (*compute_cmd) {
    cli::finish_input_options(*compute_cmd, input);
    return cli::run_compute(input, compute);
  }
  if (*bench_cmd) {
    cli::finish_input_options(*bench_cmd, input);
    if (input.model.empty()) cli::require_single_head(input);
    return cli::run_bench(input, bench);
  }
  if (*export_cmd) {
    cli::finish_input_options(*export_cmd, input);
    return cli::run_export(input, export_options);
  }
  // No subcommand, or "gui": the window.
  cli::finish_window_options(*gui_cmd ? *gui_cmd : app, input, gui);
  return cli::run_gui(input, gui);
}

// What was printed must have arrived: stdout may be a full disk. Otherwise the exit status is 1,
// with the reason, rather than a 0 that claims the output is there.
void check_stdout() {
  errno = 0;
  std::cout.flush();  // through stdout's buffer (cout is synchronised with stdio), so errno tells why
  const bool flushed = std::fflush(stdout) == 0;
  if (flushed && !std::ferror(stdout) && std::cout.good()) return;
  int error = errno;
  // A write that failed while printing (output past stdout's buffer) leaves the error flag but no
  // errno by now: one more byte, to a file already cut short, tells why.
  if (!error && ::write(STDOUT_FILENO, "\n", 1) < 0) error = errno;
  throw attnlab::RunError(std::string("cannot write to standard output") +
                          (error ? std::string(": ") + std::strerror(error) : std::string()));
}

// OpenMP's idle threads must sleep rather than spin in the window, which shares the cores with the
// GL driver's threads (llvmpipe renders on the CPU), and in a model's forward pass, a chain of short
// parallel steps: on a busy machine a spinning thread holds the core its partner is waiting for,
// and a pass takes 3 to 700 times as long (GPT-2 small: 0.5 s against 1.7 s; a tiny model: 0.25 ms
// against 170 ms). libgomp reads that setting only as it loads, before main, so the process starts
// itself again with it set.
void sleep_idle_threads(int argc, char** argv) {
  bool model = false;
  for (int i = 1; i < argc; ++i) model = model || std::string_view(argv[i]).starts_with("--model");
  const bool window = argc < 2 || argv[1][0] == '-' || std::string_view(argv[1]) == "gui";
  if (!(window || model) || std::getenv("OMP_WAIT_POLICY")) return;
  setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  execv("/proc/self/exe", argv);  // if that fails, the program runs on with spinning threads
}

}  // namespace

int main(int argc, char** argv) {
  sleep_idle_threads(argc, argv);
  try {
    const int status = run(argc, argv);
    if (status == 0) check_stdout();
    return status;
  } catch (const attnlab::InputError& e) {
    std::cerr << "attnlab: " << one_line(e.what()) << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "attnlab: " << one_line(e.what()) << "\n";
    return 1;
  }
}
