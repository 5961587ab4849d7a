#pragma once
// The commands' --backend and --verbose: the GPU through make_backend, or the CPU. Apart from the INPUT
// options (cli_input.hpp), which the web page shares without the GPU room; above them.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "core/attention/backend.hpp"
#include "core/attention/precision.hpp"
#include "core/gl/make_backend.hpp"
#include "core/inputs/input.hpp"

namespace attnlab::cli {

// --verbose: open_backend says which backend runs and why (compute, export, bench).
void add_verbose_option(CLI::App& command);
// A subcommand that runs the engine on an INPUT (compute, export, bench): the INPUT options, --backend
// into `backend` and --verbose.
CLI::App* add_engine_command(CLI::App& app, const std::string& name, const std::string& help, InputOptions& input,
                             std::string& backend);
// make_backend, saying on stderr why "auto" fell back to the CPU when a GPU was there but would not
// start; with --verbose, which backend runs and why, always.
BackendChoice choose_backend(const std::string& name);
std::unique_ptr<Backend> open_backend(const std::string& name);
// The backend for `name`; the precision lab runs on the CPU, which "auto" then picks.
std::unique_ptr<Backend> open_backend(const std::string& name, const PrecisionMode& precision);

}  // namespace attnlab::cli
