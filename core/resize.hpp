#pragma once
// The dk slider: the same tokens with fewer or more dimensions. The first columns are kept and
// new ones come from the seeded generator, as if the inputs had been drawn that wide from the start.
#include <cstdint>

#include "core/problem.hpp"

namespace attnlab {

Problem with_dk(const Problem& base, Index dk, std::uint64_t seed, float sigma);

}  // namespace attnlab
