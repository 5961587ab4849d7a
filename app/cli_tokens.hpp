#pragma once
// `attnlab tokens` (models.md), and the model's INPUT options that compute, export, bench and the
// window share with it: --model DIR, --text T, --token-ids LIST.
#include <CLI/CLI.hpp>
#include <string>

#include "core/tokenizer/token_input.hpp"

namespace attnlab::cli {

struct ModelInputOptions {
  std::string model;  // the Hugging Face folder
  TokenSource tokens;
};
void add_model_input_options(CLI::App& command, ModelInputOptions& input);

struct TokensOptions {
  ModelInputOptions input;
  bool json = false;
};
CLI::App* add_tokens_command(CLI::App& app, TokensOptions& options);
// One line per token, "index id text" (control characters escaped), or with --json one object
// {"ids": [...], "tokens": [...]}.
int run_tokens(const TokensOptions& options);

}  // namespace attnlab::cli
