#pragma once
// The INPUT options of cli.md, added to every subcommand.
#include <CLI/CLI.hpp>

#include "core/inputs/input.hpp"

namespace attnlab::cli {

void add_input_options(CLI::App& command, InputOptions& input);
// Call after parsing: notes which --random settings were given.
void finish_input_options(const CLI::App& command, InputOptions& input);
// bench and the window run one head: --heads or --kv-heads there is an InputError.
void require_single_head(const InputOptions& input);
void add_backend_option(CLI::App& command, std::string& backend);

}  // namespace attnlab::cli

#include "app/commands.hpp"

namespace attnlab::cli {
// The window's options (--query, --stage, --frames, …), in `group` of the help.
void add_window_options(CLI::App& command, GuiOptions& gui, const char* group);
// After parsing the window's command: notes the --random settings and whether any INPUT option was given
// (then the last state is not restored).
void finish_window_options(const CLI::App& window, InputOptions& input, GuiOptions& gui);
// --precision, --no-max-subtraction and --mask-value, for compute and export.
void add_precision_options(CLI::App& command, PrecisionOptions& precision);
// Throws InputError naming a bad value: an unknown precision, a mask value that is no finite number.
PrecisionMode precision_mode(const PrecisionOptions& precision);

}  // namespace attnlab::cli

#include "core/attention/backend.hpp"

namespace attnlab::cli {
// make_backend, saying once on stderr why "auto" fell back to the CPU.
std::unique_ptr<Backend> open_backend(const std::string& name);
// The backend for `name`; the precision lab runs on the CPU, which "auto" then picks.
std::unique_ptr<Backend> open_backend(const std::string& name, const PrecisionMode& precision);
}  // namespace attnlab::cli
