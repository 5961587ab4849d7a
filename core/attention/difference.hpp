#pragma once
// Two inputs side by side (heads.md): the same stage of the same head on a second input, and where the
// two have the same shape, their difference cell by cell.
#include "core/attention/trace.hpp"

namespace attnlab {

// True when the stage's matrices of the two traces have the same shape: only then is there a difference.
bool same_shape(const Trace& first, const Trace& second, Stage stage);

// second − first of `stage`, as a trace whose `stage` holds it and whose `masked` is −∞ where either
// input's mask blocks the cell (a blocked cell has no difference to show: in the masked stage it stays
// −∞). Throws RunError when the shapes differ (same_shape).
Trace stage_difference(const Trace& first, const Trace& second, Stage stage);

}  // namespace attnlab
