#pragma once
// How much memory a run needs at its peak, estimated from its sizes alone, so that a run that would
// not fit is refused before any input is generated or read. Each term below is something the
// program really holds at once; tests check the total against the peak measured (bench --json).
#include <cstdint>
#include <string>

#include "core/base/matrix.hpp"
#include "core/base/memory.hpp"

namespace attnlab {

// The sizes of a run: H query heads of Lq × dk over G KV heads of Lk × dk and Lk × dv.
struct RunSizes {
  Index heads = 1, kv_heads = 1, lq = 1, lk = 1, dk = 1, dv = 1;
  bool capped = false;  // a soft-cap: the full trace keeps a fifth Lq × Lk stage
};

// What a run keeps besides its inputs.
struct MemoryPlan {
  RunSizes sizes;
  bool full_trace = true;         // all five stages, or the output-only mode's output and statistics
  bool every_head = true;         // every head's trace at once (compute, export's grid), or one at a time
  Index key_tile = 256;           // output-only: keys per tile of the CPU backend
  bool precision_lab = false;     // rounded copies of Q, K and V
  bool gpu = false;               // --backend gpu: its buffers and driver (host memory under llvmpipe)
  int extra_lq_lk = 0;            // further Lq × Lk float32 matrices a front end keeps
  std::uint64_t extra_bytes = 0;  // anything else a front end holds (a figure, a window)
};

// Q, K, V of every head and their tokens.
std::uint64_t inputs_bytes(const RunSizes& sizes);
// One head's trace: the four Lq × Lk stages (five with a soft-cap; full), the output and the statistics.
std::uint64_t trace_bytes(Index lq, Index lk, Index dv, bool full_trace, bool capped = false);
// The whole run: the program itself, the inputs, one head copied out of them, the traces kept, the
// backend's working memory and the extras. Saturates instead of overflowing.
std::uint64_t peak_bytes(const MemoryPlan& plan);

// The memory estimate's older form, kept for the engine: Q, K, V, the four Lq × Lk stages and the
// output of one head, in float32.
std::uint64_t full_trace_bytes(Index lq, Index lk, Index dk, Index dv);
// Throws InputError giving the estimate and pointing to the output-only mode.
void check_full_trace_fits(Index lq, Index lk, Index dk, Index dv, bool capped = false);

// The KV cache of one attention layer: each token keeps one key (dk) and one value (dv) per KV head.
inline std::uint64_t kv_cache_bytes_per_token(Index kv_heads, Index dk, Index dv, int value_bytes) {
  return static_cast<std::uint64_t>(kv_heads) * static_cast<std::uint64_t>(dk + dv) *
         static_cast<std::uint64_t>(value_bytes);
}

}  // namespace attnlab
