#include "core/tokenizer/added_tokens.hpp"

#include <algorithm>
#include <string_view>

#include "core/base/matrix.hpp"
#include "core/tokenizer/utf8.hpp"

namespace attnlab {

namespace {

// The reference's find_matches: matches left to right, longest first, never overlapping; a
// single_word token next to a letter or digit is no match; lstrip/rstrip take the whitespace
// beside the match into the token.
void split_one(const Piece& piece, const std::vector<AddedToken>& tokens, const LongestTokens& longest, Pieces& out) {
  const std::string_view text = piece.text;
  const std::vector<std::int32_t> starting = longest.at_each_byte(text);
  std::size_t done = 0;  // the end of the last token taken
  for (std::size_t at = 0; at < text.size();) {
    if (starting[at] < 0) {
      at += utf8::char_length(text, at);
      continue;
    }
    const AddedToken* token = &tokens[static_cast<std::size_t>(starting[at])];
    std::size_t begin = at, end = at + token->content.size();
    at = end;
    if (token->single_word) {
      const bool word_before = begin > 0 && utf8::is_alphanumeric(utf8::decode(text, utf8::char_before(text, begin)));
      const bool word_after = end < text.size() && utf8::is_alphanumeric(utf8::decode(text, end));
      if (word_before || word_after) continue;
    }
    if (token->lstrip)
      while (begin > done && utf8::is_whitespace(utf8::decode(text, utf8::char_before(text, begin))))
        begin = utf8::char_before(text, begin);
    if (token->rstrip)
      while (end < text.size() && utf8::is_whitespace(utf8::decode(text, end))) end += utf8::char_length(text, end);
    if (begin > done) out.push_back({std::string(text.substr(done, begin - done)), -1, piece.at_start && done == 0});
    out.push_back({std::string(text.substr(begin, end - begin)), token->id, piece.at_start && begin == 0});
    done = end;
    at = std::max(at, end);
  }
  if (done < text.size()) out.push_back({std::string(text.substr(done)), -1, piece.at_start && done == 0});
}

}  // namespace

void AddedTokens::TokenSet::find_by_content(const std::string& where) {
  std::size_t bytes = 0;
  std::vector<std::string_view> contents;
  contents.reserve(tokens.size());
  for (const AddedToken& t : tokens) {
    bytes += t.content.size();
    contents.push_back(t.content);
  }
  if (bytes > kMostAddedTokenBytes)
    throw InputError(where + ": the added tokens take " + std::to_string(bytes) + " bytes, more than the " +
                     std::to_string(kMostAddedTokenBytes) + " they may take together");
  longest = LongestTokens(contents);
}

void AddedTokens::split(Pieces& pieces, const TokenSet& set) {
  if (set.tokens.empty()) return;
  Pieces out;
  for (Piece& piece : pieces) {
    if (piece.id >= 0) out.push_back(std::move(piece));
    else split_one(piece, set.tokens, set.longest, out);
  }
  pieces = std::move(out);
}

}  // namespace attnlab
