#pragma once
// The INPUT options of cli.md, added to every subcommand.
#include <CLI/CLI.hpp>

#include "core/input.hpp"

namespace attnlab::cli {

void add_input_options(CLI::App& command, InputOptions& input);
// Call after parsing: notes which --random settings were given.
void finish_input_options(const CLI::App& command, InputOptions& input);
void add_backend_option(CLI::App& command, std::string& backend);

}  // namespace attnlab::cli

#include "core/backend.hpp"

namespace attnlab::cli {
// make_backend, saying once on stderr why "auto" fell back to the CPU.
std::unique_ptr<Backend> open_backend(const std::string& name);
}  // namespace attnlab::cli
