#pragma once
// A stretch of the input on its way to tokens: text to normalize and split further, or an added
// token already found (id ≥ 0).
#include <cstdint>
#include <string>
#include <vector>

namespace attnlab {

struct Piece {
  std::string text;
  std::int32_t id = -1;   // an added token's id: nothing more happens to the piece
  bool at_start = false;  // it begins at the input's first byte (Metaspace's prepend_scheme "first")
};
using Pieces = std::vector<Piece>;

}  // namespace attnlab
