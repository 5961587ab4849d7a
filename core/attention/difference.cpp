#include "core/attention/difference.hpp"

#include <cmath>

#include "core/base/error.hpp"

namespace attnlab {

bool same_shape(const Trace& first, const Trace& second, Stage stage) {
  const Matrix &a = first.stage(stage), &b = second.stage(stage);
  return a.rows() == b.rows() && a.cols() == b.cols();
}

Trace stage_difference(const Trace& first, const Trace& second, Stage stage) {
  if (!same_shape(first, second, stage) || first.masked.rows() != second.masked.rows() ||
      first.masked.cols() != second.masked.cols())
    throw RunError("the two inputs' " + std::string(stage_name(stage)) + " differ in shape: no difference to draw");
  Trace d;
  const float blocked = -INFINITY;
  d.masked = Matrix::Zero(first.masked.rows(), first.masked.cols());
  for (Index i = 0; i < d.masked.rows(); ++i)
    for (Index j = 0; j < d.masked.cols(); ++j)
      if (first.masked(i, j) == blocked || second.masked(i, j) == blocked) d.masked(i, j) = blocked;
  Matrix diff = second.stage(stage) - first.stage(stage);
  // −∞ − (−∞) is NaN: a cell the mask blocks in the masked stage stays −∞.
  if (stage == Stage::masked) diff = (d.masked.array() == blocked).select(d.masked, diff);
  switch (stage) {
    case Stage::scores: d.scores = std::move(diff); break;
    case Stage::scaled: d.scaled = std::move(diff); break;
    case Stage::capped: d.capped = std::move(diff); break;
    case Stage::masked: d.masked = std::move(diff); break;
    case Stage::weights: d.weights = std::move(diff); break;
    case Stage::output: d.output = std::move(diff); break;
  }
  return d;
}

}  // namespace attnlab
