// attnlab heads (heads.md): every layer × head of a model scored on one input (with --ablate, of the
// model with those heads knocked out), as a table (one row per head) or as JSON
// {"layers", "heads", "scores": {score: [[…H…] × NL]}}; --repeat-random N scores the standard
// induction test, N random ids repeated twice, and the JSON then gives its "ids".
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "app/cli/cli_hub.hpp"
#include "app/cli/cli_input.hpp"
#include "app/cli/command.hpp"
#include "core/heads/repeat_random.hpp"
#include "core/heads/score_heads.hpp"
#include "core/inputs/model_input.hpp"

namespace attnlab::cli {
namespace {

struct HeadsOptions {
  bool json = false;
  std::optional<std::string> sort;     // a score's name
  std::optional<Index> repeat_random;  // N
  std::optional<std::uint64_t> seed;   // with --repeat-random only
};

nlohmann::json score_json(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

void print_json(const HeadScores& scores, const std::vector<std::int64_t>* ids) {
  nlohmann::ordered_json out{{"layers", scores.layers}, {"heads", scores.heads}};
  nlohmann::ordered_json by_score;
  for (const HeadScore s : all_head_scores) {
    nlohmann::json layers = nlohmann::json::array();
    for (Index l = 0; l < scores.layers; ++l) {
      nlohmann::json row = nlohmann::json::array();
      for (Index h = 0; h < scores.heads; ++h) row.push_back(score_json(scores.at(l, h)[s]));
      layers.push_back(row);
    }
    by_score[head_score_name(s)] = layers;
  }
  out["scores"] = by_score;
  if (ids) out["ids"] = *ids;
  std::cout << out.dump() << "\n";
}

// One row per head; a blank cell where the score's set was empty. --sort: highest first, blanks last.
void print_table(const HeadScores& scores, std::optional<HeadScore> sort) {
  std::vector<std::pair<Index, Index>> order;
  for (Index l = 0; l < scores.layers; ++l)
    for (Index h = 0; h < scores.heads; ++h) order.emplace_back(l, h);
  if (sort)
    std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
      const std::optional<double>&x = scores.at(a.first, a.second)[*sort], &y = scores.at(b.first, b.second)[*sort];
      return x && (!y || *x > *y);
    });
  std::printf("%5s %4s", "layer", "head");
  for (const HeadScore s : all_head_scores) std::printf(" %15s", head_score_name(s));
  std::printf("\n");
  for (const auto& [l, h] : order) {
    std::printf("%5lld %4lld", static_cast<long long>(l), static_cast<long long>(h));
    for (const HeadScore s : all_head_scores)
      if (const std::optional<double>& v = scores.at(l, h)[s]) std::printf(" %15.4f", *v);
      else std::printf(" %15s", "");
    std::printf("\n");
  }
}

// --repeat-random N: the ids drawn once the model's vocabulary is known, and handed on as --token-ids.
std::vector<std::int64_t> repeat_random_input(InputOptions& input, const HeadsOptions& o) {
  if (input.tokens.text || input.tokens.token_ids)
    throw InputError(std::string("--repeat-random draws the input: drop ") +
                     (input.tokens.text ? "--text" : "--token-ids"));
  if (input.model.empty()) throw InputError("heads needs --model DIR|ID");
  const ModelConfig config = read_config(input.model);
  const Index n = *o.repeat_random;
  if (2 * n > config.positions)
    throw InputError("--repeat-random " + std::to_string(n) + " scores " + std::to_string(2 * n) +
                     " tokens, more than the model's " + std::to_string(config.positions) + " positions");
  const std::vector<std::int64_t> ids = repeated_random_ids(n, config.vocab, o.seed.value_or(0));
  std::string list;
  for (const std::int64_t id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  input.tokens.token_ids = list;
  return ids;
}

int run_heads(InputOptions& input, const HeadsOptions& o, const HubCliOptions& hub) {
  // Every option checked before the model is read.
  const std::optional<HeadScore> sort =
      o.sort ? std::optional<HeadScore>(parse_head_score(*o.sort, "--sort")) : std::nullopt;
  if (o.sort && o.json) throw InputError("--sort orders the table: --json keeps the layers × heads order");
  if (o.seed && !o.repeat_random) throw InputError("--seed draws the ids of --repeat-random: give --repeat-random N");
  resolve_hub_model(input, hub);  // a Hub id becomes its cache folder, downloaded once
  std::optional<std::vector<std::int64_t>> drawn;
  if (o.repeat_random) drawn = repeat_random_input(input, o);
  const ModelRun run = run_model(input);
  if (!run.tokenizer_unused.empty() && !drawn) std::fprintf(stderr, "attnlab: note: %s\n", labels_note(run).c_str());
  const HeadScores scores = score_heads(run.model.config, run.pass, run.tokens.ids);
  if (o.json) print_json(scores, drawn ? &*drawn : nullptr);
  else print_table(scores, sort);
  return 0;
}

}  // namespace

Command add_heads_command(CLI::App& app, InputOptions& input, HubCliOptions& hub) {
  auto options = std::make_shared<HeadsOptions>();
  auto* command = app.add_subcommand("heads", "score what every head of a model does on one input (heads.md)");
  add_model_input_options(*command, input);
  add_ablation_options(*command, input);
  command->add_flag("--json", options->json, "{\"layers\", \"heads\", \"scores\": {score: [[…heads…] × layers]}}");
  command
      ->add_option_function<std::string>(
          "--sort", [o = options.get()](const std::string& s) { o->sort = s; },
          "order the table by a score, highest first: previous_token, first_token, duplicate_token, induction, "
          "entropy, distance")
      ->type_name("SCORE");
  command
      ->add_option_function<Index>(
          "--repeat-random", [o = options.get()](const Index& n) { o->repeat_random = n; },
          "score N random token ids repeated twice (the induction test) instead of --text/--token-ids")
      ->type_name("N")
      ->transform(whole_number(limits::size));
  command
      ->add_option_function<std::uint64_t>(
          "--seed", [o = options.get()](const std::uint64_t& s) { o->seed = s; },
          "the generator seed of --repeat-random (default 0)")
      ->transform(seed_number());
  return {command, [&input, &hub, options] { return run_heads(input, *options, hub); }};
}

}  // namespace attnlab::cli
