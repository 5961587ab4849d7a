#pragma once
// The standard induction test's input: N token ids drawn uniformly from the vocabulary, then the same
// N again. A head that attends to the token after the earlier copy scores high on the second half.
#include <cstdint>
#include <vector>

#include "core/base/matrix.hpp"

namespace attnlab {

// 2·count ids below `vocab`, the same on every machine and standard library for one seed.
std::vector<std::int64_t> repeated_random_ids(Index count, Index vocab, std::uint64_t seed);

}  // namespace attnlab
