#pragma once
// How much memory a full trace needs, and a refusal up front when it would not fit.
#include <cstdint>
#include <string>

#include "core/base/matrix.hpp"

namespace attnlab {

// Q, K, V, the four Lq×Lk stages and the output, in float32.
std::uint64_t full_trace_bytes(Index lq, Index lk, Index dk, Index dv);
std::uint64_t available_memory_bytes();  // MemAvailable, or 0 when it cannot be read
// Throws InputError giving the estimate and pointing to the output-only mode.
void check_full_trace_fits(Index lq, Index lk, Index dk, Index dv);
// The KV cache of one attention layer: each token keeps one key (dk) and one value (dv) per KV head.
inline std::uint64_t kv_cache_bytes_per_token(Index kv_heads, Index dk, Index dv, int value_bytes) {
  return static_cast<std::uint64_t>(kv_heads) * static_cast<std::uint64_t>(dk + dv) *
         static_cast<std::uint64_t>(value_bytes);
}
std::string human_bytes(std::uint64_t bytes);  // "1.5 GiB"

}  // namespace attnlab
