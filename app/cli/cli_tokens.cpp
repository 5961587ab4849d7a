// attnlab tokens (models.md): how a model's tokenizer splits a text. One line per token, "index id
// text" (control characters escaped), or with --json one object {"ids": [...], "tokens": [...]}.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cli/cli_hub.hpp"
#include "app/cli/cli_input.hpp"
#include "app/cli/command.hpp"
#include "core/base/quote.hpp"
#include "core/tokenizer/token_input.hpp"
#include "core/tokenizer/tokenizer.hpp"

namespace attnlab::cli {
namespace {

struct TokensOptions {
  ModelInputOptions input;
  bool json = false;
};

int run_tokens(const TokensOptions& options) {
  const Tokenizer tokenizer = Tokenizer::load(options.input.model);
  const std::vector<std::int32_t> ids =
      read_token_ids(options.input.tokens, &tokenizer, tokenizer.vocab_size(), tokenizer.source());
  std::vector<std::string> texts;
  for (const std::int32_t id : ids) texts.push_back(tokenizer.token_text(id));
  if (options.json) {
    const nlohmann::json out{{"ids", ids}, {"tokens", texts}};
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  for (std::size_t i = 0; i < ids.size(); ++i) std::cout << i << " " << ids[i] << " " << visible(texts[i]) << "\n";
  return 0;
}

}  // namespace

// The tokenizer alone: MODEL INPUT, not the whole INPUT.
Command add_tokens_command(CLI::App& app, InputOptions&, HubCliOptions& hub) {
  auto options = std::make_shared<TokensOptions>();
  auto* command = app.add_subcommand("tokens", "show how a model's tokenizer splits a text: index, id and text");
  add_model_input_options(*command, options->input);
  command->get_option("--model")->required();
  command->add_flag("--json", options->json, "one JSON object {\"ids\": [...], \"tokens\": [...]}");
  return {command, [options, &hub] {
            resolve_hub_model(options->input, hub, false);  // the tokenizer is all it reads
            return run_tokens(*options);
          }};
}

}  // namespace attnlab::cli
