#include "app/cli_tokens.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli_input.hpp"
#include "core/base/quote.hpp"
#include "core/tokenizer/tokenizer.hpp"

namespace attnlab::cli {

CLI::App* add_tokens_command(CLI::App& app, TokensOptions& options) {
  auto* command = app.add_subcommand("tokens", "show how a model's tokenizer splits a text: index, id and text");
  add_model_input_options(*command, options.input);
  command->get_option("--model")->required();
  command->add_flag("--json", options.json, "one JSON object {\"ids\": [...], \"tokens\": [...]}");
  return command;
}

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

}  // namespace attnlab::cli
