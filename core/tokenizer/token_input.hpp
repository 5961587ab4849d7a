#pragma once
// A model's input as the options give it: --text through the folder's tokenizer, or --token-ids
// as given. Every front end (tokens, compute, export, bench, the window) asks here.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokenizer/tokenizer.hpp"

namespace attnlab {

struct TokenSource {
  std::optional<std::string> text;       // --text: UTF-8
  std::optional<std::string> token_ids;  // --token-ids: "464,3797,…"
};

// --model DIR and its tokens: what `tokens` reads, and part of every command's INPUT.
struct ModelInputOptions {
  std::string model;  // the Hugging Face folder; empty: no model
  TokenSource tokens;
};

// "464,3797, 4" → {464, 3797, 4}. Throws InputError naming --token-ids and the item that is not an id.
std::vector<std::int32_t> parse_token_ids(std::string_view list);

// The ids of exactly one of --text and --token-ids, checked: the text is not empty and gives at
// least one token, and every id is below `vocab_size` (the message names `vocab_name`, the id and
// the size). `tokenizer` is needed only for text (null: a text is refused). Throws InputError.
std::vector<std::int32_t> read_token_ids(const TokenSource& source, const Tokenizer* tokenizer, std::size_t vocab_size,
                                         const std::string& vocab_name);

}  // namespace attnlab
