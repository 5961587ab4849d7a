#include "core/tokenizer/utf8.hpp"

#include <utf8proc.h>

namespace attnlab::utf8 {

std::optional<std::size_t> first_invalid(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const auto continuation = [&](std::size_t i) { return i < text.size() && (byte(i) & 0xC0) == 0x80; };
  for (std::size_t at = 0; at < text.size();) {
    const unsigned char b = byte(at);
    if (b < 0x80) {
      ++at;
      continue;
    }
    std::size_t length = 0;
    char32_t low = 0;  // the smallest code point this length may encode: anything below is overlong
    if (b >= 0xC2 && b <= 0xDF) {
      length = 2;
      low = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
      length = 3;
      low = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
      length = 4;
      low = 0x10000;
    } else {
      return at;
    }
    for (std::size_t k = 1; k < length; ++k)
      if (!continuation(at + k)) return at;
    const char32_t c = decode(text, at);
    if (c < low || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return at;
    at += length;
  }
  return std::nullopt;
}

std::size_t char_length(std::string_view text, std::size_t at) {
  const auto b = static_cast<unsigned char>(text[at]);
  return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

std::size_t char_before(std::string_view text, std::size_t end) {
  std::size_t at = end - 1;
  while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  return at;
}

char32_t decode(std::string_view text, std::size_t at) {
  const std::size_t length = char_length(text, at);
  const auto b = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(text[at + k])); };
  switch (length) {
    case 1: return b(0);
    case 2: return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3: return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default: return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

void append(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

bool is_whitespace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool is_alphanumeric(char32_t c) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return true;
    default: return false;
  }
}

}  // namespace attnlab::utf8
