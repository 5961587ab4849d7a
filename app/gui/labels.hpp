#pragma once
// A query's and a key's label as every panel shows them: the token, or a number where there is none,
// its spaces as a visible mark (␣), so that " cat" and "cat" are told apart on the board.
#include <string>
#include <vector>

#include "core/attention/problem.hpp"

namespace attnlab::gui {

// `text` with each space as ␣ (U+2423, in DejaVu Sans and in the fonts' glyph ranges).
inline std::string visible_spaces(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) out += c == ' ' ? std::string("\u2423") : std::string(1, c);
  return out;
}
inline std::vector<std::string> visible_spaces(std::vector<std::string> texts) {
  for (std::string& t : texts) t = visible_spaces(t);
  return texts;
}

inline std::string query_label(const Problem& p, Index i) {
  return visible_spaces(p.query_tokens[static_cast<std::size_t>(i)]);
}
inline std::string key_label(const Problem& p, Index j) {
  return visible_spaces(p.key_tokens[static_cast<std::size_t>(j)]);
}

}  // namespace attnlab::gui
