#pragma once
// What a Tokenizer is made of, shared by the files that read one (tokenizer_json.cpp,
// gpt2_files.cpp) and the one that runs it (tokenizer.cpp).
#include <memory>
#include <string>
#include <vector>

#include "core/tokenizer/added_tokens.hpp"
#include "core/tokenizer/bpe.hpp"
#include "core/tokenizer/normalizer.hpp"
#include "core/tokenizer/pre_tokenizer.hpp"
#include "core/tokenizer/tokenizer.hpp"

namespace attnlab {

// A tokenizer file's limits: its size (the largest real ones are tens of megabytes), and the JSON
// values it may hold (a vocabulary entry is one, a merge one to three).
inline constexpr std::uint64_t kMaxTokenizerFileBytes = 256 << 20;
inline constexpr std::uint64_t kMaxTokenizerValues = 1 << 24;

// Ids stay below this: real vocabularies have up to a few hundred thousand tokens, and a larger id
// would only make the id → text table huge.
constexpr std::int64_t kMaxTokenId = (1 << 21) - 1;

struct Tokenizer::Parts {
  std::string source;  // the file, for messages
  Normalizer normalizer;
  PreTokenizer pre_tokenizer;
  AddedTokens added;
  std::unique_ptr<Bpe> bpe;
  std::vector<std::int32_t> prefix, suffix;  // the post-processor's special tokens around the text
  std::vector<std::string> token;            // id → the token as the vocabulary spells it
  std::vector<bool> added_id;                // id → an added token (its content is its text)

  // Records `id` → `text` in the tables, growing them; throws InputError naming the source when
  // the id is negative or above kMaxTokenId.
  void name_id(std::int64_t id, std::string_view text, bool is_added);
};

}  // namespace attnlab
