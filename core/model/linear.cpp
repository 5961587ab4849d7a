#include "core/model/linear.hpp"

#include <algorithm>

#include "core/attention/first_error.hpp"
#include "core/base/threads.hpp"

namespace attnlab {
namespace {

// The columns [first, first + count) of the output this thread computes: an equal share, in whole
// 16-column blocks so that each share stays aligned to the vector width.
// Eigen's product may allocate its blocking buffers: a failure is handed to the caller.
template <class Product>
void split_columns(Index columns, Product product) {
  FirstError error;
#pragma omp parallel
  {
    const Index threads = team_size(), t = thread_index();
    const Index blocks = (columns + 15) / 16;
    const Index first = std::min(columns, blocks * t / threads * 16);
    const Index last = std::min(columns, blocks * (t + 1) / threads * 16);
    if (last > first) error.run([&] { product(first, last - first); });
  }
  error.rethrow();
}

}  // namespace

Matrix conv1d(const Matrix& x, const Weight& w, const Weight& bias) {
  Matrix y(x.rows(), w.cols());
  const auto weight = w.matrix();
  split_columns(w.cols(), [&](Index first, Index count) {
    y.middleCols(first, count).noalias() = x * weight.middleCols(first, count);
    if (!bias.empty()) y.middleCols(first, count).rowwise() += bias.row().segment(first, count);
  });
  return y;
}

Matrix linear(const Matrix& x, const Weight& w, const Weight& bias) {
  Matrix y(x.rows(), w.rows());
  const auto weight = w.matrix();
  split_columns(w.rows(), [&](Index first, Index count) {
    y.middleCols(first, count).noalias() = x * weight.middleRows(first, count).transpose();
    if (!bias.empty()) y.middleCols(first, count).rowwise() += bias.row().segment(first, count);
  });
  return y;
}

}  // namespace attnlab
