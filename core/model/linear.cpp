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

// A share is multiplied a tile of output columns at a time, so that a 16-bit weight's tile, widened
// to float32, stays about 1 MiB (in cache while Eigen packs it). Float32 weights take the same
// tiles, read in place: the products are then the same calls on the same numbers, and a 16-bit model
// gives bit for bit what its float32 copy gives.
Index tile_columns(Index depth) {
  return std::clamp<Index>((Index{1} << 18) / std::max<Index>(depth, 1) / 16 * 16, 32, 256);
}

template <class Tile>
void each_tile(Index first, Index count, Index depth, Tile tile) {
  const Index width = tile_columns(depth);
  for (Index c = first; c < first + count; c += width) tile(c, std::min(width, first + count - c));
}

}  // namespace

Matrix conv1d(const Matrix& x, const Weight& w, const Weight& bias) {
  Matrix y(x.rows(), w.cols());
  split_columns(w.cols(), [&](Index first, Index count) {
    WeightTile tile;
    each_tile(first, count, w.rows(), [&](Index c, Index n) {
      y.middleCols(c, n).noalias() = x * w.columns(c, n, tile);
    });
    if (!bias.empty()) y.middleCols(first, count).rowwise() += bias.row().segment(first, count);
  });
  return y;
}

Matrix linear(const Matrix& x, const Weight& w, const Weight& bias) {
  Matrix y(x.rows(), w.rows());
  split_columns(w.rows(), [&](Index first, Index count) {
    WeightTile tile;
    each_tile(first, count, w.cols(), [&](Index c, Index n) {
      y.middleCols(c, n).noalias() = x * w.rows(c, n, tile).transpose();
    });
    if (!bias.empty()) y.middleCols(first, count).rowwise() += bias.row().segment(first, count);
  });
  return y;
}

}  // namespace attnlab
