#pragma once
// The options several subcommands share: INPUT (cli.md), MODEL INPUT, --backend and PRECISION, and the
// validators that check numbers as text before CLI11 converts them.
#include <CLI/CLI.hpp>
#include <string>

#include "core/attention/precision.hpp"
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
// --ablate L.H[,…] and --ablation zero|mean (heads.md): compute, export and heads.
void add_ablation_options(CLI::App& command, InputOptions& input);
// --compare-text T2 and --compare-token-ids LIST (heads.md): export and the window.
void add_compare_options(CLI::App& command, InputOptions& input);
// Call after parsing: notes which --random settings were given.
void finish_input_options(const CLI::App& command, InputOptions& input);
// bench and the window run one head: --heads or --kv-heads there is an InputError.
void require_single_head(const InputOptions& input);
void add_backend_option(CLI::App& command, std::string& backend);

// The precision lab's options of compute, export and the window, as given; checked by precision_mode().
struct PrecisionOptions {
  std::string precision = "fp32";  // fp32 | fp16 | bf16
  bool no_max_subtraction = false;
  std::string mask_value;  // empty: masked cells are -inf
};
// --precision, --no-max-subtraction and --mask-value.
void add_precision_options(CLI::App& command, PrecisionOptions& precision);
// Throws InputError naming a bad value: an unknown precision, a mask value that is no finite number.
PrecisionMode precision_mode(const PrecisionOptions& precision);

}  // namespace attnlab::cli
