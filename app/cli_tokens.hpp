#pragma once
// `attnlab tokens` (models.md): how a model's tokenizer splits a text.
#include <CLI/CLI.hpp>
#include <string>

#include "core/tokenizer/token_input.hpp"

namespace attnlab::cli {

struct TokensOptions {
  ModelInputOptions input;
  bool json = false;
};
CLI::App* add_tokens_command(CLI::App& app, TokensOptions& options);
// One line per token, "index id text" (control characters escaped), or with --json one object
// {"ids": [...], "tokens": [...]}.
int run_tokens(const TokensOptions& options);

}  // namespace attnlab::cli
