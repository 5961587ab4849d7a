#pragma once
// tokenizer.json's "added_tokens" (special ones such as <|begin_of_text|> and ordinary ones): found
// in the text before anything else, each becoming its own id, as the reference's AddedVocabulary does.
#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

#include "core/tokenizer/piece.hpp"

namespace attnlab {

struct AddedToken {
  std::string content;
  std::int32_t id = -1;
  bool lstrip = false, rstrip = false;  // the match takes the whitespace on its left / right
  bool single_word = false;             // matches only with no letter or digit on either side
  bool normalized = false;              // matched in the normalized text rather than the raw text
};

class AddedTokens {
 public:
  AddedTokens() = default;
  // `normalize` turns a token's content into what normalized text would hold.
  template <class Normalize>
  AddedTokens(const std::vector<AddedToken>& tokens, Normalize normalize) {
    for (AddedToken token : tokens) {
      if (token.content.empty()) continue;
      if (token.normalized) normalize(token.content);
      TokenSet& set = token.normalized ? normalized_ : raw_;
      if (token.content.empty()) continue;
      set.first_bytes.set(static_cast<unsigned char>(token.content[0]));
      set.tokens.push_back(std::move(token));
    }
  }

  // Splits the pieces that are not tokens yet at the raw-text tokens (before normalization) …
  void split_raw(Pieces& pieces) const { split(pieces, raw_); }
  // … and at the normalized tokens (after it).
  void split_normalized(Pieces& pieces) const { split(pieces, normalized_); }

 private:
  struct TokenSet {
    std::vector<AddedToken> tokens;
    std::bitset<256> first_bytes;  // the bytes a token starts with: elsewhere no token can match
  };
  static void split(Pieces& pieces, const TokenSet& set);

  TokenSet raw_, normalized_;
};

}  // namespace attnlab
