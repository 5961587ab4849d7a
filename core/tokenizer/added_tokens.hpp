#pragma once
// tokenizer.json's "added_tokens" (special ones such as <|begin_of_text|> and ordinary ones): found
// in the text before anything else, each becoming its own id, as the reference's AddedVocabulary does.
#include <cstdint>
#include <string>
#include <vector>

#include "core/tokenizer/longest_tokens.hpp"
#include "core/tokenizer/piece.hpp"

namespace attnlab {

struct AddedToken {
  std::string content;
  std::int32_t id = -1;
  bool lstrip = false, rstrip = false;  // the match takes the whitespace on its left / right
  bool single_word = false;             // matches only with no letter or digit on either side
  bool normalized = false;              // matched in the normalized text rather than the raw text
};

// The added tokens' contents together, raw or normalized: thousands of tokens take kilobytes, and
// this bounds the automaton that finds them (about 20 bytes a content byte).
inline constexpr std::size_t kMostAddedTokenBytes = 16 << 20;

class AddedTokens {
 public:
  AddedTokens() = default;
  // `normalize` turns a token's content into what normalized text would hold. Throws InputError
  // starting with `where` when the contents take more than kMostAddedTokenBytes.
  template <class Normalize>
  AddedTokens(const std::vector<AddedToken>& tokens, Normalize normalize, const std::string& where) {
    for (AddedToken token : tokens) {
      if (token.content.empty()) continue;
      if (token.normalized) normalize(token.content);
      if (token.content.empty()) continue;
      (token.normalized ? normalized_ : raw_).tokens.push_back(std::move(token));
    }
    raw_.find_by_content(where);
    normalized_.find_by_content(where);
  }

  // Splits the pieces that are not tokens yet at the raw-text tokens (before normalization) …
  void split_raw(Pieces& pieces) const { split(pieces, raw_); }
  // … and at the normalized tokens (after it).
  void split_normalized(Pieces& pieces) const { split(pieces, normalized_); }

 private:
  struct TokenSet {
    std::vector<AddedToken> tokens;
    LongestTokens longest;  // over the tokens' contents, by index
    void find_by_content(const std::string& where);
  };
  static void split(Pieces& pieces, const TokenSet& set);

  TokenSet raw_, normalized_;
};

}  // namespace attnlab
