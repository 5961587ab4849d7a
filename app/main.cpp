// attnlab: the command line of Attention Lab (cli.md). Exit status 0 success, 2 bad usage or
// input (one line on stderr), 1 any other failure.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/cli_input.hpp"
#include "app/commands.hpp"
#include "core/examples.hpp"

namespace {

// An error is one line on stderr, even when it quotes a path or value holding a newline.
std::string one_line(std::string message) {
  for (std::size_t at = 0; (at = message.find_first_of("\r\n", at)) != std::string::npos;)
    message.replace(at, 1, message[at] == '\n' ? "\\n" : "\\r");
  return message;
}

int run(int argc, char** argv) {
  using namespace attnlab;
  CLI::App app{"Attention Lab: scaled dot-product attention, softmax(QKᵀ/√dk + mask)·V, stage by stage",
               "attnlab"};
  app.set_version_flag("--version", std::string("attnlab ") + ATTNLAB_VERSION);
  app.require_subcommand(0, 1);

  InputOptions input;
  cli::ComputeOptions compute;
  cli::BenchOptions bench;

  auto* compute_cmd = app.add_subcommand("compute", "compute every stage and write them as .npy files");
  cli::add_input_options(*compute_cmd, input);
  cli::add_backend_option(*compute_cmd, compute.backend);
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

  auto* examples_cmd = app.add_subcommand("examples", "list the built-in examples, one name per line");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "attnlab: " << one_line(e.what()) << "\n";
    return 2;
  }

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
    return cli::run_bench(input, bench);
  }
  // No subcommand: the GUI's place. Until it lands, the default example's weights as a table.
  compute.print = true;
  return cli::run_compute(input, compute);
}

}  // namespace

int main(int argc, char** argv) {
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
