#pragma once
// The INPUT options every front end shares (cli.md): files, seeded random, a built-in example or a
// real model's layer, with a mask and a scale.
#include <cstdint>
#include <optional>
#include <string>

#include "core/attention/heads.hpp"
#include "core/attention/memory.hpp"
#include "core/attention/problem.hpp"
#include "core/tokenizer/token_input.hpp"

namespace attnlab {

struct InputOptions : ModelInputOptions {
  std::string q, k, v;  // .npy or .csv paths, all three together
  bool random = false;
  Index lq = 8, lk = 8, dk = 64, dv = 64;
  std::uint64_t seed = 0;
  double sigma = 1.0;
  bool random_settings_given = false;  // --lq/--lk/--dk/--dv/--seed/--sigma were given
  // --heads H and --kv-heads G for --random (G defaults to H); unset unless given.
  std::optional<Index> heads, kv_heads;
  std::string example;  // empty: the default example, unless files or --random
  std::string mask = "none";
  std::string scale = "sqrt";
  // With --model these override the model's own mask and scale only when given.
  bool mask_given = false, scale_given = false;
  // --softcap C and --sink S|S1,S2,… as given (unset: none, or with --model the model's own).
  std::optional<std::string> softcap, sink;
  // With a real model (models.md, the folder and its tokens in ModelInputOptions): the layer shown,
  // "N", or "all" for export.
  std::optional<std::string> layer;
  // --ablate L.H[,…] and --ablation zero|mean (heads.md): the heads knocked out of the model's pass.
  std::optional<std::string> ablate, ablation;
  // --compare-text T2 or --compare-token-ids LIST (heads.md): a second input beside the first.
  TokenSource compare;
};

// The sizes the options ask for, checked against the limits, before any input exists: what the
// memory estimate needs to refuse a run up front. Nothing for files, whose sizes are in the files.
// Throws InputError as the loaders do for options that are wrong in themselves.
std::optional<RunSizes> planned_sizes(const InputOptions& input);
RunSizes sizes_of(const HeadsProblem& problem);
// A short description of the sizes for messages: "Lq×Lk = 8×8, dk 64, dv 64" (and "4 heads of ...").
std::string describe(const RunSizes& sizes);

// --softcap C: a finite number > 0 in the range Problem allows; --sink S or S1,S2,…: finite logits.
// InputError naming the option and the value otherwise.
double parse_softcap(const std::string& text);
std::vector<double> parse_sinks(const std::string& text);
// The options' soft-cap and sinks on a problem of `heads` query heads (a sink list must hold one
// logit or one per head), replacing the problem's own where given.
void apply_softcap_and_sinks(const InputOptions& input, HeadsProblem& problem);

// Loads and validates; throws InputError naming the offending option or file.
// One head: --heads and --kv-heads are refused, and 3-D files too.
Problem load_problem(const InputOptions& input);
// Any number of heads: 3-D files, or --random with --heads/--kv-heads. Random head h of Q draws
// with seed + h·1000003, KV head g of K and V with seed + g·1000003, so one head is --random's problem.
// With --model: the forward pass over the tokens, then the layer's problem (core/inputs/model_input.hpp).
HeadsProblem load_heads_problem(const InputOptions& input);

}  // namespace attnlab
