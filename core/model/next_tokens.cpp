#include "core/model/next_tokens.hpp"

#include <algorithm>
#include <cmath>

namespace attnlab {

std::vector<NextToken> top_next_tokens(const Eigen::VectorXf& logits, Index count) {
  const Eigen::VectorXd z = logits.cast<double>();
  const double max = z.maxCoeff();
  const double total = (z.array() - max).exp().sum();
  std::vector<NextToken> all(static_cast<std::size_t>(z.size()));
  for (Index i = 0; i < z.size(); ++i) all[static_cast<std::size_t>(i)] = {i, std::exp(z[i] - max) / total};
  const auto n = static_cast<std::ptrdiff_t>(std::min<Index>(count, z.size()));
  std::partial_sort(all.begin(), all.begin() + n, all.end(), [](const NextToken& a, const NextToken& b) {
    return a.probability != b.probability ? a.probability > b.probability : a.id < b.id;
  });
  all.resize(static_cast<std::size_t>(n));
  return all;
}

}  // namespace attnlab
