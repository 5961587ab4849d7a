// attnlab generate (heads.md, Generation): a model continues the prompt one token at a time with its
// KV cache, greedy at temperature 0, else sampled from a seeded generator (core/model/sampling.hpp);
// the new text is printed as it comes, or with --json one object {"prompt_ids", "ids", "text"}. It
// stops early at the model's eos_token_id. --ablate knocks heads out as in compute.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/cli/cli_hub.hpp"
#include "app/cli/cli_input.hpp"
#include "app/cli/command.hpp"
#include "core/inputs/model_input.hpp"
#include "core/model/generation.hpp"
#include "core/model/model_memory.hpp"

namespace attnlab::cli {
namespace {

struct GenerateOptions {
  Index tokens = 0;
  Sampling sampling;
  bool json = false;
};

int run_generate(InputOptions& input, const GenerateOptions& o, const HubCliOptions& hub) {
  check_sampling(o.sampling);  // every option checked before the model is read
  resolve_hub_model_input(input, hub);
  ModelRun run = open_model_run(input, true);
  if (!run.tokenizer_unused.empty()) std::fprintf(stderr, "attnlab: note: %s\n", labels_note(run).c_str());
  check_generation_length(run.model.config, run.tokens.ids.size(), o.tokens);
  check_forward_memory(run.model, static_cast<Index>(run.tokens.ids.size()) + o.tokens, {});
  load_weights(run.model);
  const Tokenizer* tokenizer = run.tokenizer_or_null();
  std::string text;
  const std::vector<std::int64_t> ids =
      generate(run.model, run.tokens.ids, o.tokens, o.sampling, run.ablation, [&](std::int64_t id) {
        const std::string piece = token_piece(tokenizer, id);
        text += piece;
        if (o.json) return;
        std::cout << piece << std::flush;  // as it comes
      });
  if (o.json) {
    const nlohmann::ordered_json out{{"prompt_ids", run.tokens.ids}, {"ids", ids}, {"text", text}};
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << "\n";
  }
  return 0;
}

}  // namespace

Command add_generate_command(CLI::App& app, InputOptions& input, HubCliOptions& hub) {
  auto options = std::make_shared<GenerateOptions>();
  auto* command =
      app.add_subcommand("generate", "continue a model's input token by token with a KV cache (heads.md)");
  add_model_input_options(*command, input);
  add_ablation_options(*command, input);
  command->add_option("--tokens", options->tokens, "how many new tokens (stops early at the model's end-of-text)")
      ->type_name("N")
      ->required()
      ->transform(whole_number(limits::size));
  command
      ->add_option("--temperature", options->sampling.temperature,
                   "0 (default): greedy, the most probable (the lower id on a tie); > 0: sample from softmax(logits/T)")
      ->type_name("T")
      ->check(real_number(0, 1e6));
  command
      ->add_option("--top-k", options->sampling.top_k, "sample from the K most probable only (default: all)")
      ->type_name("K")
      ->transform(whole_number(limits::size));
  command
      ->add_option("--top-p", options->sampling.top_p,
                   "then from the most probable whose probabilities reach P, 0 < P ≤ 1 (default 1: all)")
      ->type_name("P")
      ->check(real_number(0, 1));
  command->add_option("--seed", options->sampling.seed, "the sampling generator's seed (default 0)")
      ->transform(seed_number());
  command->add_flag("--json", options->json, "{\"prompt_ids\": [...], \"ids\": [...new...], \"text\": \"...new...\"}");
  return {command, [&input, &hub, options] { return run_generate(input, *options, hub); }};
}

}  // namespace attnlab::cli
