#pragma once
// Stages 2–4 and the statistics for one query row, while the row is still in cache.
// The CPU backend runs these on blocks of rows between its two matrix products.
#include "core/mask.hpp"
#include "core/matrix.hpp"
#include "core/trace.hpp"

namespace attnlab {

// scaled = s · scores (validate() has ruled out float32 overflow).
void scale_row(const float* scores, float* scaled, Index lk, float s);

// masked = scaled + A: -inf outside the allowed keys, plus the matrix mask's row when there is one.
void mask_row(const float* scaled, float* masked, Index lk, KeyRange keys, const float* additive);

// weights = softmax(masked) (stable: the row maximum is subtracted first) and the row's statistics.
// A row with no key to attend gets zero weights and is flagged.
RowStats softmax_row(const float* scaled, const float* masked, float* weights, Index lk, KeyRange keys,
                     bool has_additive);

// Copies a finished row to a stage that nothing reads back during this compute, with
// non-temporal stores where the CPU has them: no read-for-ownership of the destination and no
// eviction of the rows still being worked on. Call stream_fence() before another thread reads it.
void stream_row(float* dst, const float* src, Index n);
void stream_fence();

}  // namespace attnlab
