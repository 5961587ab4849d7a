// The added-token search: at every byte, the longest token that starts there, as a search that tries
// every token at every byte finds it (written here), over random token sets and texts on a small
// alphabet, where tokens share prefixes and suffixes and nest inside each other.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "core/tokenizer/longest_tokens.hpp"

using namespace attnlab;

namespace {

// The first of the longest tokens that start at each byte, or -1.
std::vector<std::int32_t> every_token_at_every_byte(const std::vector<std::string>& tokens, const std::string& text) {
  std::vector<std::int32_t> found(text.size(), -1);
  for (std::size_t at = 0; at < text.size(); ++at)
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const std::string& t = tokens[i];
      const bool longer = found[at] < 0 || t.size() > tokens[static_cast<std::size_t>(found[at])].size();
      if (!t.empty() && longer && text.compare(at, t.size(), t) == 0) found[at] = static_cast<std::int32_t>(i);
    }
  return found;
}

std::vector<std::string_view> views(const std::vector<std::string>& tokens) {
  return {tokens.begin(), tokens.end()};
}

}  // namespace

TEST_SUITE("tokenizer/longest-tokens") {
  TEST_CASE("tokens inside tokens, shared ends, repeats and empty ones") {
    const std::vector<std::string> tokens{"ab", "abc", "b", "bcd", "", "ab", "cdab", "d"};
    const std::string text = "xabcdabcdab";
    CHECK(LongestTokens(views(tokens)).at_each_byte(text) == every_token_at_every_byte(tokens, text));
    // The second "ab" never wins: the first of equal tokens counts.
    CHECK(LongestTokens(views(tokens)).at_each_byte("ab") == std::vector<std::int32_t>{0, 2});
    CHECK(LongestTokens(std::vector<std::string_view>{}).at_each_byte("abc") == std::vector<std::int32_t>{-1, -1, -1});
    CHECK(LongestTokens(views(tokens)).at_each_byte("").empty());
  }

  TEST_CASE("random token sets over a small alphabet agree with the search that tries them all") {
    std::mt19937 rng(7);
    for (int trial = 0; trial < 300; ++trial) {
      const int alphabet = 2 + trial % 3;
      const auto word = [&](int most) {
        std::string w;
        for (int n = 1 + static_cast<int>(rng() % static_cast<unsigned>(most)); n > 0; --n)
          w += static_cast<char>('a' + rng() % static_cast<unsigned>(alphabet));
        return w;
      };
      std::vector<std::string> tokens;
      for (int i = 1 + static_cast<int>(rng() % 12); i > 0; --i) tokens.push_back(word(6));
      const std::string text = word(60);
      CAPTURE(text);
      CHECK(LongestTokens(views(tokens)).at_each_byte(text) == every_token_at_every_byte(tokens, text));
    }
  }

  TEST_CASE("bytes of UTF-8 and every byte value are matched as bytes") {
    const std::vector<std::string> tokens{"\xC3\xA9t\xC3\xA9", std::string("\0\xff", 2), "\xE2\x96\x81"};
    const std::string text = std::string("\xC3\xA9t\xC3\xA9\0\xff\xE2\x96\x81", 10);
    CHECK(LongestTokens(views(tokens)).at_each_byte(text) == every_token_at_every_byte(tokens, text));
  }
}
