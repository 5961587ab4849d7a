#pragma once
// A real number the user wrote, read in decimal: the whole text ("0.5", "-3", "1e-3", and "inf" or
// "nan", which the caller judges), with no sign '+', spaces or hex.
#include <charconv>
#include <optional>
#include <string_view>

namespace attnlab {

inline std::optional<double> parse_decimal(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace attnlab
