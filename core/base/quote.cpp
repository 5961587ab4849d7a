#include "core/base/quote.hpp"

#include <algorithm>

namespace attnlab {
namespace {

void escaped(std::string& out, unsigned char c) {
  static constexpr char hex[] = "0123456789abcdef";
  out += "\\x";
  out += hex[c >> 4];
  out += hex[c & 15];
}

void append(std::string& out, char c, QuoteRule::Escape escape) {
  using Escape = QuoteRule::Escape;
  const auto b = static_cast<unsigned char>(c);
  const bool line_break = c == '\n' || c == '\r';
  const bool control = b < 0x20 || b == 0x7f;
  if (escape == Escape::none || (escape == Escape::line_breaks && !line_break) ||
      (escape == Escape::controls && !control) || (escape == Escape::non_ascii && b >= 0x20 && b < 0x7f)) {
    out += c;
  } else if (escape != Escape::non_ascii && (line_break || c == '\t')) {
    out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
  } else {
    escaped(out, b);
  }
}

}  // namespace

std::string quote(std::string_view text, const QuoteRule& rule) {
  std::size_t keep = std::min(rule.most, text.size());
  // Where UTF-8 is kept, a cut moves back to the start of the character it would split.
  if (rule.escape != QuoteRule::Escape::non_ascii)
    while (keep > 0 && keep < text.size() && (static_cast<unsigned char>(text[keep]) & 0xc0) == 0x80) --keep;
  std::string out;
  out.reserve(keep);
  for (const char c : text.substr(0, keep)) append(out, c, rule.escape);
  if (keep < text.size()) out += rule.cut_mark;
  return out;
}

}  // namespace attnlab
