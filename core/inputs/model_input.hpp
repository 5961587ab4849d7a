#pragma once
// A real model as the input (models.md): --model DIR with --text (through the folder's tokenizer) or
// --token-ids, --layer; the folder loaded, one forward pass, and a layer as the multi-head problem,
// --mask and --scale overriding the model's own.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/inputs/input.hpp"
#include "core/model/forward.hpp"
#include "core/model/model.hpp"
#include "core/tokenizer/tokenizer.hpp"

namespace attnlab {

// Throws InputError for options that do not go with --model (--q/--k/--v, --random, --example,
// --heads, --kv-heads: the model decides them), for --text/--token-ids/--layer without --model, and
// for --model without exactly one of --text and --token-ids.
void check_model_options(const InputOptions& input);

// --layer as given: 0 when absent. "all" is export's alone (InputError here); a number out of the
// model's range is an InputError naming the range.
Index model_layer(const InputOptions& input, const ModelConfig& config);

// The folder's tokenizer (tokenizer.json, or GPT-2's vocab.json + merges.txt), or none when the
// folder has neither: --token-ids then still work, labelled with their ids.
std::optional<Tokenizer> folder_tokenizer(const std::filesystem::path& folder);

// How a token is shown: its text where a tokenizer gives one (control characters escaped), else its id.
std::string token_label(const Tokenizer* tokenizer, std::int64_t id);

// A new token as generated text: the tokenizer's, or its id in brackets when there is none to use
// (attnlab generate prints it; the window appends it to the sentence).
std::string token_piece(const Tokenizer* tokenizer, std::int64_t id);

// The model's input: the token ids and their labels.
struct ModelTokens {
  std::vector<std::int64_t> ids;
  std::vector<std::string> labels;
};
// Checked against the model: an empty text, none, more than its positions, or an id outside its
// vocabulary is an InputError.
ModelTokens model_tokens(const InputOptions& input, const Model& model, const Tokenizer* tokenizer);

// Everything a command reads of one model run.
struct ModelRun {
  // The model, shared by a run's copies: the window's generation makes a new run per token (one more
  // row in every layer), each reading the same weights, never a copy of them.
  std::shared_ptr<Model> shared_model = std::make_shared<Model>();
  Model& model = *shared_model;
  std::optional<Tokenizer> tokenizer;
  // --token-ids with a folder whose tokenizer could not be used: why, naming the file. The tokens
  // are then labelled with their ids, and a front end may say so.
  std::string tokenizer_unused;
  ModelTokens tokens;
  Ablation ablation;  // --ablate: the heads knocked out of `pass`
  ForwardPass pass;   // with the ablation, if any
  // With an ablation: the next token's logits of the model as it is, before the heads were knocked out.
  std::optional<Eigen::VectorXf> logits_before;

  const Tokenizer* tokenizer_or_null() const { return tokenizer ? &*tokenizer : nullptr; }
};

// Every refusal of a model's input before a weight is read: the options checked, the model opened
// (open_model), the tokenizer read where it is needed, the tokens checked against the model, and the
// memory a forward pass over them needs against what the machine has. The tokenizer is read for
// --text (its errors name the file), and for --token-ids only when `labels` asks for the ids shown as
// text, where one that cannot be used leaves the ids as labels (tokenizer_unused says why).
ModelRun open_model_run(const InputOptions& input, bool labels);
// "the tokens are labelled with their ids: <why the tokenizer could not be used>", on one line.
std::string labels_note(const ModelRun& run);
// open_model_run with labels, then the weights read and the forward pass; with --ablate, the pass
// without the ablation first (its logits kept) and then again from the first knocked-out layer on.
// `keep_inputs`: the pass keeps every layer's input (and its final rows), so that a later knock-out
// (the window's) starts again from the first knocked-out layer.
ModelRun run_model(const InputOptions& input, const ModelProgress& progress = {}, bool keep_inputs = false);

// Layer ℓ of the run as the lab's problem, with --mask and --scale replacing the model's when given.
HeadsProblem model_layer_problem(const InputOptions& input, const ModelRun& run, Index layer);
// The same of any pass of the run's model over tokens labelled `labels` (a second input's).
HeadsProblem model_layer_problem(const InputOptions& input, const ModelConfig& config, const ForwardPass& pass,
                                 const std::vector<std::string>& labels, Index layer);

// --layer (default 0) of the run of the options' model: what load_heads_problem gives for --model.
HeadsProblem model_heads_problem(const InputOptions& input);

}  // namespace attnlab
