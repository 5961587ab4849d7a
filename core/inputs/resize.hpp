#pragma once
// The dk slider: the same tokens with fewer or more dimensions. The first columns are kept and
// new ones come from the seeded generator, as if the inputs had been drawn that wide from the start.
#include <cstdint>

#include "core/attention/heads.hpp"
#include "core/attention/problem.hpp"

namespace attnlab {

Problem with_dk(const Problem& base, Index dk, std::uint64_t seed, float sigma);
// Every head, Q head h and KV head g widened with head_seed(seed, h) and head_seed(seed, g): the
// same columns a random source of H heads draws at that width.
HeadsProblem with_dk(const HeadsProblem& base, Index dk, std::uint64_t seed, float sigma);

}  // namespace attnlab
