#pragma once
// The model's most probable next tokens: the softmax of the last position's logits, in float64.
#include <vector>

#include "core/base/matrix.hpp"

namespace attnlab {

struct NextToken {
  Index id = 0;
  double probability = 0;
};

// The `count` most probable, most probable first (equal ones by id).
std::vector<NextToken> top_next_tokens(const Eigen::VectorXf& logits, Index count);

}  // namespace attnlab
