#pragma once
// Which token of a set starts at each byte of a text, the longest one: the reference's added-token
// search (an Aho–Corasick automaton, leftmost-longest) in time linear in the text, however many tokens
// there are and however long. The automaton reads the reversed tokens over the reversed text, so that
// the state at a byte names the longest token starting there.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace attnlab {

class LongestTokens {
 public:
  LongestTokens() = default;
  // Token i is tokens[i]; of equal tokens the first counts. Empty tokens are never found.
  explicit LongestTokens(const std::vector<std::string_view>& tokens);

  // For every byte of `text`, the index of the longest token that starts there, or -1.
  std::vector<std::int32_t> at_each_byte(std::string_view text) const;

 private:
  struct Node {
    std::int32_t first_child = -1, next_sibling = -1;
    std::int32_t fail = 0;      // the node of the longest proper suffix that is also a path
    std::int32_t own = -1;      // the token whose reversed content ends here
    std::int32_t longest = -1;  // the longest token that is a suffix of this node's path
    unsigned char byte = 0;
  };
  std::int32_t child(std::int32_t node, unsigned char byte) const;
  std::int32_t add_child(std::int32_t node, unsigned char byte);

  std::vector<Node> nodes_;
  std::array<std::int32_t, 256> root_{};  // the root's children by byte: the search falls back there most
};

}  // namespace attnlab
