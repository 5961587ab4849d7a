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

Matrix rms_norm(const Matrix& x, const Weight& w, double eps, float offset) {
  Matrix y = x;
  rms_norm_groups(y, w, eps, offset);
  return y;
}

void rms_norm_groups(Matrix& x, const Weight& w, double eps, float offset) {
  const Index width = w.size(), groups = x.cols() / width;
  const auto n = static_cast<double>(width);
  const Eigen::RowVectorXf scale = w.row().array() + offset;
  row_blocks(x.rows(), [&](Index first, Index count) {
    for (Index i = first; i < first + count; ++i)
      for (Index g = 0; g < groups; ++g) {
        auto part = x.row(i).segment(g * width, width);
        const double mean_square = part.template cast<double>().squaredNorm() / n;
        const auto inv = static_cast<float>(1.0 / std::sqrt(mean_square + eps));
        part.array() = part.array() * inv * scale.array();
      }
  });
}

void gelu_tanh(Matrix& x) {
  const float c = static_cast<float>(std::sqrt(2.0 / std::numbers::pi));
  row_blocks(x.rows(), [&](Index first, Index count) {
    auto block = x.middleRows(first, count).array();
    block = 0.5f * block * (1.0f + (c * (block + 0.044715f * block.cube())).tanh());
  });
}

void gelu_erf(Matrix& x) {
  row_blocks(x.rows(), [&](Index first, Index count) {
    for (Index i = first; i < first + count; ++i)
      for (float& u : x.row(i)) u = 0.5f * u * (1.0f + std::erf(u * static_cast<float>(std::numbers::sqrt2 / 2)));
  });
}

void activate(Matrix& x, Activation activation) {
  switch (activation) {
    case Activation::gelu_tanh: return gelu_tanh(x);
    case Activation::gelu: return gelu_erf(x);
    case Activation::silu:
      row_blocks(x.rows(), [&](Index first, Index count) {
        auto g = x.middleRows(first, count).array();
        g = g * g.logistic();
      });
      return;
  }
}

void gated(Matrix& gate, const Matrix& up, Activation activation) {
  if (activation != Activation::silu) {
    activate(gate, activation);
    gate.array() *= up.array();
    return;
  }
  row_blocks(gate.rows(), [&](Index first, Index count) {
    auto g = gate.middleRows(first, count).array();
    g = g * g.logistic() * up.middleRows(first, count).array();
  });
}

}  // namespace attnlab
