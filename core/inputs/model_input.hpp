#pragma once
// A real model as the input (models.md): --model DIR with --token-ids (or --text), --layer; the
// folder loaded, one forward pass, and a layer as the multi-head problem, --mask and --scale
// overriding the model's own.
#include <cstdint>
#include <string>
#include <vector>

#include "core/inputs/input.hpp"
#include "core/model/forward.hpp"
#include "core/model/model.hpp"

namespace attnlab {

// Throws InputError for options that do not go with --model (--q/--k/--v, --random, --example,
// --heads, --kv-heads: the model decides them), for --text/--token-ids/--layer without --model, and
// for --model without exactly one of --text and --token-ids.
void check_model_options(const InputOptions& input);

// "464,3797, 318": whole numbers ≥ 0, comma-separated. Throws InputError naming the bad item.
std::vector<std::int64_t> parse_token_ids(const std::string& list);

// --layer as given: 0 when absent. "all" is export's alone (InputError here); a number out of the
// model's range is an InputError naming the range.
Index model_layer(const InputOptions& input, const ModelConfig& config);

// The model's input: the token ids and their labels (the id where no tokenizer text exists).
struct ModelTokens {
  std::vector<std::int64_t> ids;
  std::vector<std::string> labels;
};
// How a token is shown: its text where a tokenizer gives one, else its id.
std::string token_label(std::int64_t id);
// Checked against the model: none, more than its positions, or an id outside its vocabulary is an
// InputError.
ModelTokens model_tokens(const InputOptions& input, const Model& model);

// Everything a command reads of one model run.
struct ModelRun {
  Model model;
  ModelTokens tokens;
  ForwardPass pass;
};
ModelRun run_model(const InputOptions& input);

// Layer ℓ of the run as the lab's problem, with --mask and --scale replacing the model's when given.
HeadsProblem model_layer_problem(const InputOptions& input, const ModelRun& run, Index layer);

}  // namespace attnlab
