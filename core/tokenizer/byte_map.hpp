#pragma once
// GPT-2's bytes ↔ unicode map: byte-level BPE spells every byte as one printable character, so a
// vocabulary of strings covers any byte sequence (the space 0x20 is 'Ġ' U+0120, '\n' is 'Ċ' U+010A).
#include <string>
#include <string_view>

namespace attnlab::byte_map {

// `bytes` with each byte replaced by its character, in UTF-8.
std::string to_chars(std::string_view bytes);

// The byte a character stands for, or -1 when the character is none of the 256.
int byte_of(char32_t c);

}  // namespace attnlab::byte_map
