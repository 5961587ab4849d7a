#include "core/model/layer_ops.hpp"

#include <cmath>
#include <numbers>

namespace attnlab {
namespace {

// Elementwise work in blocks of rows, one block per thread; Eigen vectorizes inside a block.
template <class Body>
void row_blocks(Index rows, Body body) {
  constexpr Index kRows = 16;
  const Index blocks = (rows + kRows - 1) / kRows;
#pragma omp parallel for schedule(static) if (blocks > 1)
  for (Index b = 0; b < blocks; ++b) body(b * kRows, std::min(kRows, rows - b * kRows));
}

}  // namespace

Matrix layer_norm(const Matrix& x, const Weight& w, const Weight& b, double eps) {
  Matrix y(x.rows(), x.cols());
  const auto n = static_cast<double>(x.cols());
  row_blocks(x.rows(), [&](Index first, Index count) {
    for (Index i = first; i < first + count; ++i) {
      const auto row = x.row(i).array();
      const float mean = static_cast<float>(row.template cast<double>().sum() / n);
      const auto centred = row - mean;
      const double var = centred.template cast<double>().square().sum() / n;
      const auto inv = static_cast<float>(1.0 / std::sqrt(var + eps));
      y.row(i).array() = centred * inv * w.row().array() + b.row().array();
    }
  });
  return y;
}

Matrix rms_norm(const Matrix& x, const Weight& w, double eps) {
  Matrix y(x.rows(), x.cols());
  const auto n = static_cast<double>(x.cols());
  row_blocks(x.rows(), [&](Index first, Index count) {
    for (Index i = first; i < first + count; ++i) {
      const double mean_square = x.row(i).template cast<double>().squaredNorm() / n;
      const auto inv = static_cast<float>(1.0 / std::sqrt(mean_square + eps));
      y.row(i).array() = x.row(i).array() * inv * w.row().array();
    }
  });
  return y;
}

void gelu_tanh(Matrix& x) {
  const float c = static_cast<float>(std::sqrt(2.0 / std::numbers::pi));
  row_blocks(x.rows(), [&](Index first, Index count) {
    auto block = x.middleRows(first, count).array();
    block = 0.5f * block * (1.0f + (c * (block + 0.044715f * block.cube())).tanh());
  });
}

void silu_gate(Matrix& gate, const Matrix& up) {
  row_blocks(gate.rows(), [&](Index first, Index count) {
    auto g = gate.middleRows(first, count).array();
    g = g * g.logistic() * up.middleRows(first, count).array();
  });
}

}  // namespace attnlab
