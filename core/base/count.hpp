#pragma once
// A whole number ≥ 1 written inside a spec the user gave ("window:3", "--dk 1:1024").
#include <charconv>
#include <string>
#include <string_view>

#include "core/base/matrix.hpp"
#include "core/base/quote.hpp"

namespace attnlab {

// `text` as a count; otherwise InputError "<where>: '<text>' is not a whole number ≥ 1".
inline Index parse_count(std::string_view where, std::string_view text) {
  Index value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 1)
    throw InputError(std::string(where) + ": '" + excerpt(text) + "' is not a whole number ≥ 1");
  return value;
}

}  // namespace attnlab
