#include "core/figure/axis_labels.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <limits>

namespace attnlab {
Index label_stride(float cell, float extent) {
  Index s = 1;
  // Doubling stops before Index overflows: it is 32 bits in the web build.
  while (static_cast<float>(s) * cell < extent && s <= std::numeric_limits<Index>::max() / 2) s *= 2;
  return s;
}

bool tokens_are_indices(const std::vector<std::string>& tokens) {
  if (tokens.empty()) return false;
  const char prefix = tokens.front().empty() ? '\0' : tokens.front().front();
  if (!std::isalpha(static_cast<unsigned char>(prefix))) return false;
  for (std::size_t i = 0; i < tokens.size(); ++i)
    if (tokens[i] != prefix + std::to_string(i)) return false;
  return true;
}

std::vector<std::string> axis_texts(const std::vector<std::string>& tokens) {
  if (!tokens_are_indices(tokens)) return tokens;
  std::vector<std::string> numbers;
  numbers.reserve(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) numbers.push_back(std::to_string(i));
  return numbers;
}

AxisPlan plan_axis(float cell_w, float cell_h, float line, float widest_col, float gap) {
  const Index rows = label_stride(cell_h, line);
  const Index flat = label_stride(cell_w, widest_col + gap);
  const Index upright = label_stride(cell_w, line);
  const Index stride = std::max(rows, std::min(flat, upright));
  return {stride, flat > stride};
}

std::vector<Index> labelled(Index first, Index end, Index stride, std::optional<Index> keep) {
  std::vector<Index> out;
  stride = std::max<Index>(stride, 1);
  first = std::max<Index>(first, 0);
  const bool keeps = keep && *keep >= first && *keep < end;
  for (Index i = (first + stride - 1) / stride * stride; i < end; i += stride) {
    if (keeps && i != *keep && std::abs(i - *keep) < stride) continue;
    out.push_back(i);
  }
  if (keeps && !std::binary_search(out.begin(), out.end(), *keep))
    out.insert(std::upper_bound(out.begin(), out.end(), *keep), *keep);
  return out;
}

std::string shorten(const std::string& text, float room, const std::function<float(const std::string&)>& width) {
  if (width(text) <= room) return text;
  std::string s = text.substr(0, 256);
  while (!s.empty()) {
    // Drop one UTF-8 character: its continuation bytes, then its lead byte.
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xc0) == 0x80) s.pop_back();
    if (!s.empty()) s.pop_back();
    if (width(s + "\u2026") <= room) break;
  }
  if (s.empty()) {  // not even one character and "…" fit: keep the first character, never nothing
    std::size_t n = 1;
    while (n < text.size() && (static_cast<unsigned char>(text[n]) & 0xc0) == 0x80) ++n;
    s = text.substr(0, n);
  }
  return s + "\u2026";
}

}  // namespace attnlab
