// attnlab: the command line of Attention Lab (cli.md). Exit status 0 success, 2 bad usage or
// input (one line on stderr), 1 any other failure.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "app/cli_input.hpp"
#include "app/cli_tokens.hpp"
#include "app/commands.hpp"
#include "core/inputs/examples.hpp"

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
  cli::ComputeOptions compute;
  cli::BenchOptions bench;

  auto* compute_cmd = app.add_subcommand("compute", "compute every stage and write them as .npy files");
  cli::add_input_options(*compute_cmd, input);
  cli::add_backend_option(*compute_cmd, compute.backend);
  cli::add_precision_options(*compute_cmd, compute.precision);
  compute_cmd->add_option("--dump", compute.dump,
                          "directory for scores/scaled/masked/weights/output.npy and stats.csv");
  compute_cmd->add_flag("--print", compute.print, "print the weights as a table with token labels");

  auto* bench_cmd = app.add_subcommand("bench", "time the engine (median of --repeat runs)");
  cli::add_input_options(*bench_cmd, input);
  cli::add_backend_option(*bench_cmd, bench.backend);
  bench_cmd->add_option("--repeat", bench.repeat, "timed runs after one warm-up (default 10)");
  bench_cmd->add_option("--stages", bench.stages, "all (the full trace, default) or output (output-only mode)");
  bench_cmd->add_option("--after", bench.after, "scale, mask or query: time the recompute after that change only");
  bench_cmd->add_flag("--json", bench.json, "one JSON object on stdout");
  bench_cmd->add_option_function<long long>(
      "--tile", [&](const long long& n) { bench.tile = n; },
      "with --stages output: N keys per tile (default 256, CPU backend)");

  cli::ExportOptions export_options;
  auto* export_cmd = app.add_subcommand("export", "write one stage as a figure (.png or .svg) for slides and papers");
  cli::add_input_options(*export_cmd, input);
  cli::add_backend_option(*export_cmd, export_options.backend);
  cli::add_precision_options(*export_cmd, export_options.precision);
  export_cmd->add_option("--stage", export_options.stage, "scores, scaled, masked, weights or output");
  export_cmd->add_option("--out", export_options.out, "FILE.png or FILE.svg (written whole or not at all)");
  export_cmd->add_option_function<long long>(
      "--query", [&](const long long& q) { export_options.query = q; }, "outline this query's row");
  export_cmd->add_option_function<long long>(
      "--width", [&](const long long& w) { export_options.width = w; },
      "figure width in pixels (default 1600; 2400 for a 4K slide)");
  export_cmd->add_option("--colormap", export_options.colormap,
                         "viridis (default for weights, on [0, 1]) or diverging (default for the others, around 0)");
  export_cmd
      ->add_option_function<std::string>(
          "--head", [&](const std::string& h) { export_options.head = h; },
          "one head's figure, 0 to H−1, or all: every head in a grid "
          "(the default with more than one head)")
      ->type_name("N|all");
  export_cmd->add_flag("--plain", export_options.plain, "a bare PNG: N×N pixels per cell, no labels, no margins");
  export_cmd->add_option_function<long long>(
      "--cell-px", [&](const long long& n) { export_options.cell_px = n; }, "with --plain: N, the pixels per cell");

  cli::GuiOptions gui;
  auto* gui_cmd = app.add_subcommand("gui", "open the window (also what attnlab alone does)");
  for (CLI::App* command : {static_cast<CLI::App*>(&app), gui_cmd}) {
    // The window's options work with and without the word "gui".
    const char* group = command == &app ? "WINDOW (attnlab alone opens it)" : "";
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
  sweep_cmd->add_option("--len", sweep.length, "L = Lq = Lk of each problem (default 32)");
  sweep_cmd->add_option("--trials", sweep.trials, "random problems per dk (default 64)");
  sweep_cmd->add_option("--seed", sweep.seed, "generator seed (default 0)");
  sweep_cmd->add_option("--sigma", sweep.sigma, "σ of Q and K (default 1)");
  sweep_cmd->add_option("--out", sweep.out, "the CSV file to write")->required();
  sweep_cmd->add_option("--plot", sweep.plot, "FILE.png or FILE.svg: also draw the four plots (written with the CSV)");
  sweep_cmd->add_option_function<long long>(
      "--width", [&](const long long& w) { sweep.width = w; }, "with --plot: figure width in pixels (default 1600)");

  auto* examples_cmd = app.add_subcommand("examples", "list the built-in examples, one name per line");

  cli::TokensOptions tokens;
  auto* tokens_cmd = cli::add_tokens_command(app, tokens);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "attnlab: " << one_line(e.what()) << "\n";
    return 2;
  }

  if (*sweep_cmd) return cli::run_sweep(sweep);
  if (*tokens_cmd) return cli::run_tokens(tokens);
  if (*examples_cmd) {
    for (const auto& name : example_names()) std::cout << name << "\n";
    return 0;
  }
  if (*compute_cmd) {
    cli::finish_input_options(*compute_cmd, input);
    return cli::run_compute(input, compute);
  }
  if (*bench_cmd) {
    cli::finish_input_options(*bench_cmd, input);
    cli::require_single_head(input);
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

// The window shares the cores with the GL driver's threads (llvmpipe renders on the CPU), so
// OpenMP's idle threads must sleep rather than spin; libgomp reads that setting only as it loads,
// before main, so the process starts itself again with it set.
void sleep_idle_threads_for_window(int argc, char** argv) {
  const bool window = argc < 2 || argv[1][0] == '-' || std::string_view(argv[1]) == "gui";
  if (!window || std::getenv("OMP_WAIT_POLICY")) return;
  setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  execv("/proc/self/exe", argv);  // if that fails, the window runs on with spinning threads
}

}  // namespace

int main(int argc, char** argv) {
  sleep_idle_threads_for_window(argc, argv);
  try {
    return run(argc, argv);
  } catch (const attnlab::InputError& e) {
    std::cerr << "attnlab: " << one_line(e.what()) << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "attnlab: " << one_line(e.what()) << "\n";
    return 1;
  }
}
