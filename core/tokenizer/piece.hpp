#pragma once
// A stretch of the input on its way to tokens: text to normalize and split further, or an added
// token already found (id ≥ 0); and how long the text may grow on that way.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/base/matrix.hpp"

namespace attnlab {

struct Piece {
  std::string text;
  std::int32_t id = -1;   // an added token's id: nothing more happens to the piece
  bool at_start = false;  // it begins at the input's first byte (Metaspace's prepend_scheme "first")
};
using Pieces = std::vector<Piece>;

// How long a text may grow while it is normalized and split: 64 times its bytes, with room for a
// prefix, and never past 16 MiB. Real steps stay far below (NFKD makes a character at most 18 times
// longer, ByteLevel a byte 2, Metaspace a space 3); a tokenizer file whose steps multiply the text
// (a Replace that doubles it, forty times over) is refused instead of filling the memory.
inline constexpr std::size_t kTextGrowth = 64, kMostTextBytes = std::size_t{16} << 20;
inline std::size_t most_text_bytes(std::size_t input) {
  return std::min(kTextGrowth * input + (std::size_t{64} << 10), kMostTextBytes);
}

// Throws InputError "<where>: this step would make the text longer than <most> bytes: …".
[[noreturn]] inline void text_too_long(const std::string& where, std::size_t most) {
  throw InputError(where + ": this step would make the text longer than " + std::to_string(most) +
                   " bytes, and a tokenizer's steps may make it at most " + std::to_string(kTextGrowth) +
                   " times longer (never past " + std::to_string(kMostTextBytes) + " bytes)");
}

}  // namespace attnlab
