#pragma once
// One query's step over one tile of keys, as the output-only (FlashAttention) mode takes it: the
// piece of code that mode and the window's tile stepper share, so the stepper shows the real thing.
#include "core/attention/online_softmax.hpp"
#include "core/attention/problem.hpp"

namespace attnlab {

// Keys [k0, k0 + kn): `scaled` holds the tile's scaled scores s·q·k. Caps them with the problem's
// soft-cap and masks them (into `masked`, kn floats, when there is a soft-cap or the mask adds values;
// may be null otherwise), feeds the allowed keys to `row`, writes
// e = exp(x − m) for the tile into `e` (0 where masked) and returns exp(m_old − m_new), the factor by
// which the partial output must be multiplied before e·V of this tile is added.
// Whether softmax_tile needs its `masked` buffer for this problem.
bool tile_needs_masked(const Problem& problem);

float softmax_tile(const Problem& problem, Index query, Index k0, Index kn, float* scaled, float* masked, float* e,
                   OnlineSoftmax& row);

}  // namespace attnlab
