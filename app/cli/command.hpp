#pragma once
// A subcommand of attnlab: add_X_command (cli_X.cpp) adds it to the command line with its options and
// help, and returns how to run it once the line is parsed. main.cpp's table lists them in the help's
// order; a new subcommand is a new cli_X.cpp and one row there.
#include <CLI/CLI.hpp>
#include <functional>

#include "core/inputs/input.hpp"

namespace attnlab::cli {

struct Command {
  CLI::App* command;  // the subcommand, as parsed
  // Runs it: returns the exit status, throws InputError (status 2) or anything else (status 1).
  std::function<int()> run;
};
// `input` is the INPUT options every subcommand that takes them shares (one is given per run); `hub`
// the Hub's --revision and --quiet (cli_hub.hpp), added to every command once all are there.
struct HubCliOptions;
using AddCommand = Command (*)(CLI::App& app, InputOptions& input, HubCliOptions& hub);

Command add_compute_command(CLI::App& app, InputOptions& input, HubCliOptions& hub);
Command add_bench_command(CLI::App& app, InputOptions& input, HubCliOptions& hub);
Command add_export_command(CLI::App& app, InputOptions& input, HubCliOptions& hub);
Command add_heads_command(CLI::App& app, InputOptions& input, HubCliOptions& hub);
Command add_generate_command(CLI::App& app, InputOptions& input, HubCliOptions& hub);
// `gui`, and the window's options on attnlab alone (without a subcommand it opens the window).
Command add_gui_command(CLI::App& app, InputOptions& input, HubCliOptions& hub);
Command add_sweep_command(CLI::App& app, InputOptions& input, HubCliOptions& hub);
Command add_examples_command(CLI::App& app, InputOptions& input, HubCliOptions& hub);
Command add_tokens_command(CLI::App& app, InputOptions& input, HubCliOptions& hub);
Command add_models_command(CLI::App& app, InputOptions& input, HubCliOptions& hub);

}  // namespace attnlab::cli
