#pragma once
// The INPUT options of cli.md, added to every subcommand.
#include <CLI/CLI.hpp>

#include "core/base/limits.hpp"
#include "core/inputs/input.hpp"

namespace attnlab::cli {

// Numbers on the command line are checked as text, before CLI11 converts them (its conversion
// saturates 99999999999999999999, reads 010 as octal and -1 as 2⁶⁴ − 1): decimal digits only,
// and inside the range, so that no value wraps, saturates or overflows on its way in.
CLI::Validator whole_number(limits::Range range);
CLI::Validator seed_number();                      // 0 to 2⁶⁴ − 1
CLI::Validator real_number(double lo, double hi);  // lo ≤ x ≤ hi
CLI::Validator positive_number();                  // finite and > 0 (σ)

void add_input_options(CLI::App& command, InputOptions& input);
// --model DIR, --text T, --token-ids LIST: one set for `tokens` and, through add_input_options, every
// other command.
void add_model_input_options(CLI::App& command, ModelInputOptions& input);
// Call after parsing: notes which --random settings were given.
void finish_input_options(const CLI::App& command, InputOptions& input);
// bench and the window run one head: --heads or --kv-heads there is an InputError.
void require_single_head(const InputOptions& input);
void add_backend_option(CLI::App& command, std::string& backend);
// --verbose: open_backend says which backend runs and why (compute, export, bench).
void add_verbose_option(CLI::App& command);

}  // namespace attnlab::cli

#include "app/commands.hpp"

namespace attnlab::cli {
// --precision, --no-max-subtraction and --mask-value, for compute and export.
void add_precision_options(CLI::App& command, PrecisionOptions& precision);
// Throws InputError naming a bad value: an unknown precision, a mask value that is no finite number.
PrecisionMode precision_mode(const PrecisionOptions& precision);

}  // namespace attnlab::cli

#include "core/attention/backend.hpp"
#include "core/gl/make_backend.hpp"

namespace attnlab::cli {
// make_backend, saying on stderr why "auto" fell back to the CPU when a GPU was there but would not
// start; with --verbose, which backend runs and why, always.
BackendChoice choose_backend(const std::string& name);
std::unique_ptr<Backend> open_backend(const std::string& name);
// The backend for `name`; the precision lab runs on the CPU, which "auto" then picks.
std::unique_ptr<Backend> open_backend(const std::string& name, const PrecisionMode& precision);
}  // namespace attnlab::cli
