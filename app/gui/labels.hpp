#pragma once
// A query's and a key's label as every panel shows them: the token, or a number where there is none.
#include <string>

#include "core/attention/problem.hpp"

namespace attnlab::gui {

inline const std::string& query_label(const Problem& p, Index i) {
  return p.query_tokens[static_cast<std::size_t>(i)];
}
inline const std::string& key_label(const Problem& p, Index j) {
  return p.key_tokens[static_cast<std::size_t>(j)];
}

}  // namespace attnlab::gui
