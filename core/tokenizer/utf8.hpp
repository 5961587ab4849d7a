#pragma once
// UTF-8 as the tokenizers read it: whole characters, never half of one.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace attnlab::utf8 {

// The byte offset of the first byte that does not begin or continue a well-formed character
// (overlong forms, surrogates and code points above U+10FFFF included), or nothing when all is well.
std::optional<std::size_t> first_invalid(std::string_view text);

// The length in bytes of the character that starts at text[at]; text must be valid UTF-8.
std::size_t char_length(std::string_view text, std::size_t at);

// Where the character that ends at text[end) starts (end > 0); text must be valid UTF-8.
std::size_t char_before(std::string_view text, std::size_t end);

// The code point that starts at text[at]; text must be valid UTF-8.
char32_t decode(std::string_view text, std::size_t at);

void append(std::string& out, char32_t code_point);

// Unicode's White_Space property, what Rust's char::is_whitespace tests (added tokens' lstrip/rstrip).
bool is_whitespace(char32_t c);
// A letter or a number (Unicode categories L and N): Rust's char::is_alphanumeric, for single_word.
bool is_alphanumeric(char32_t c);

}  // namespace attnlab::utf8
