#include "core/tokenizer/longest_tokens.hpp"

#include <cstddef>

namespace attnlab {

LongestTokens::LongestTokens(const std::vector<std::string_view>& tokens) : nodes_(1) {
  root_.fill(-1);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string_view token = tokens[i];
    if (token.empty()) continue;
    std::int32_t node = 0;
    for (std::size_t at = token.size(); at-- > 0;) {
      const auto byte = static_cast<unsigned char>(token[at]);
      const std::int32_t next = child(node, byte);
      node = next >= 0 ? next : add_child(node, byte);
    }
    if (nodes_[static_cast<std::size_t>(node)].own < 0)
      nodes_[static_cast<std::size_t>(node)].own = static_cast<std::int32_t>(i);
  }
  // Breadth first, so that a node's fail link, always shallower, is complete before it is used.
  std::vector<std::int32_t> queue;
  queue.reserve(nodes_.size());
  for (const std::int32_t c : root_)
    if (c >= 0) queue.push_back(c);
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const std::int32_t u = queue[head];
    Node& n = nodes_[static_cast<std::size_t>(u)];
    n.longest = n.own >= 0 ? n.own : nodes_[static_cast<std::size_t>(n.fail)].longest;
    for (std::int32_t v = n.first_child; v >= 0; v = nodes_[static_cast<std::size_t>(v)].next_sibling) {
      const unsigned char byte = nodes_[static_cast<std::size_t>(v)].byte;
      std::int32_t f = nodes_[static_cast<std::size_t>(u)].fail;
      while (f != 0 && child(f, byte) < 0) f = nodes_[static_cast<std::size_t>(f)].fail;
      const std::int32_t to = child(f, byte);
      nodes_[static_cast<std::size_t>(v)].fail = to >= 0 && to != v ? to : 0;
      queue.push_back(v);
    }
  }
}

std::int32_t LongestTokens::child(std::int32_t node, unsigned char byte) const {
  if (node == 0) return root_[byte];
  for (std::int32_t c = nodes_[static_cast<std::size_t>(node)].first_child; c >= 0;
       c = nodes_[static_cast<std::size_t>(c)].next_sibling)
    if (nodes_[static_cast<std::size_t>(c)].byte == byte) return c;
  return -1;
}

std::int32_t LongestTokens::add_child(std::int32_t node, unsigned char byte) {
  const auto at = static_cast<std::int32_t>(nodes_.size());
  Node n;
  n.byte = byte;
  if (node == 0) {
    root_[byte] = at;
  } else {
    n.next_sibling = nodes_[static_cast<std::size_t>(node)].first_child;
    nodes_[static_cast<std::size_t>(node)].first_child = at;
  }
  nodes_.push_back(n);
  return at;
}

std::vector<std::int32_t> LongestTokens::at_each_byte(std::string_view text) const {
  std::vector<std::int32_t> longest(text.size(), -1);
  if (nodes_.size() <= 1) return longest;
  std::int32_t state = 0;
  for (std::size_t at = text.size(); at-- > 0;) {
    const auto byte = static_cast<unsigned char>(text[at]);
    while (state != 0 && child(state, byte) < 0) state = nodes_[static_cast<std::size_t>(state)].fail;
    const std::int32_t next = child(state, byte);
    state = next >= 0 ? next : 0;
    longest[at] = nodes_[static_cast<std::size_t>(state)].longest;
  }
  return longest;
}

}  // namespace attnlab
