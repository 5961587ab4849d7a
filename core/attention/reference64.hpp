#pragma once
// The weights computed in float64 from the same float32 inputs, with −inf masks and the row
// maximum subtracted, the soft-cap and the sink: the truth the precision lab measures its error against.
#include "core/attention/problem.hpp"

namespace attnlab {

Matrix reference_weights_error(const Problem& problem, const Matrix& weights);  // |weights − float64 weights|

}  // namespace attnlab
