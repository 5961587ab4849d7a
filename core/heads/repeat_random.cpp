#include "core/heads/repeat_random.hpp"

namespace attnlab {
namespace {

// SplitMix64: one well-mixed 64-bit number per (seed, index), no state and no library's distribution.
std::uint64_t mix(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + (index + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

std::vector<std::int64_t> repeated_random_ids(Index count, Index vocab, std::uint64_t seed) {
  std::vector<std::int64_t> ids;
  ids.reserve(static_cast<std::size_t>(2 * count));
  // The remainder's bias is below vocab / 2⁶⁴: far under anything a score could show.
  for (Index i = 0; i < count; ++i)
    ids.push_back(
        static_cast<std::int64_t>(mix(seed, static_cast<std::uint64_t>(i)) % static_cast<std::uint64_t>(vocab)));
  for (Index i = 0; i < count; ++i) ids.push_back(ids[static_cast<std::size_t>(i)]);
  return ids;
}

}  // namespace attnlab
