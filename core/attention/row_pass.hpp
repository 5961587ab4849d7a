#pragma once
// Stages 2–4 and the statistics for one query row, while the row is still in cache.
// The CPU backend runs these on blocks of rows between its two matrix products.
#include <optional>
#include <span>

#include "core/attention/mask.hpp"
#include "core/attention/row_stream.hpp"
#include "core/attention/trace.hpp"
#include "core/base/matrix.hpp"

namespace attnlab {

// scaled = s · scores (validate() has ruled out float32 overflow).
void scale_row(const float* scores, float* scaled, Index lk, float s);

// capped = C·tanh(scaled / C): Gemma 2's soft-cap, as its reference computes it (divide, tanh, multiply).
void cap_row(const float* scaled, float* capped, Index n, float softcap);

// masked = scaled + A: -inf outside the allowed keys, plus the matrix mask's row when there is one.
void mask_row(const float* scaled, float* masked, Index lk, KeyRange keys, const float* additive);

// weights = softmax(masked) (stable: the row maximum is subtracted first) and the row's statistics;
// with a sink logit, the sink joins the denominator and takes the rest of the weight. A row with no
// key to attend gets zero weights and is flagged. The rows `alongside` are streamed out during the
// exp loop and finished before it returns.
RowStats softmax_row(const float* scaled, const float* masked, float* weights, Index lk, KeyRange keys,
                     bool has_additive, std::optional<float> sink = {}, std::span<RowStream> alongside = {});

}  // namespace attnlab
