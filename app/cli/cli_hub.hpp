#pragma once
// --model ID from the Hugging Face Hub (hub.md): --revision, the global --quiet, and a Hub id turned
// into a snapshot folder of the cache before the model loads.
#include <CLI/CLI.hpp>
#include <string>

#include "core/inputs/input.hpp"

namespace attnlab::cli {

struct HubCliOptions {
  std::string revision;  // empty: main
  bool quiet = false;    // no progress line
};

// --quiet on every command (before or after the subcommand's name), --revision on those with --model.
void add_hub_options(CLI::App& app, HubCliOptions& hub);

// --model as given: an existing folder, or a path (/…, ./…, ../…, ~…), stays a folder (and --revision
// is refused with it); otherwise a Hub id, opened from the cache or downloaded into it (a progress line per file when
// stderr is a terminal and not --quiet; Ctrl-C leaves only .incomplete parts and ends the program
// as SIGINT does), and `input.model` becomes its snapshot folder. `weights` false fetches config.json
// and the tokenizer only. Throws InputError for neither a folder nor an id, and the Hub's errors.
void resolve_hub_model(ModelInputOptions& input, const HubCliOptions& hub, bool weights = true);
// compute, export and bench: their model options are checked first, so that a mistake costs no download.
void resolve_hub_model_input(InputOptions& input, const HubCliOptions& hub);

}  // namespace attnlab::cli
