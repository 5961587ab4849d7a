#include "core/attention/row_pass.hpp"

#include <limits>

#include "core/attention/online_softmax.hpp"

namespace attnlab {
namespace {
using Row = Eigen::Map<Eigen::ArrayXf>;
using ConstRow = Eigen::Map<const Eigen::ArrayXf>;
}  // namespace

void scale_row(const float* scores, float* scaled, Index lk, float s) {
  Row(scaled, lk) = s * ConstRow(scores, lk);
}

void cap_row(const float* scaled, float* capped, Index n, float softcap) {
  Row(capped, n) = softcap * (ConstRow(scaled, n) / softcap).tanh();
}

void mask_row(const float* scaled, float* masked, Index lk, KeyRange keys, const float* additive) {
  const ConstRow t(scaled, lk);
  Row m(masked, lk);
  constexpr float neg_inf = -std::numeric_limits<float>::infinity();
  m.head(keys.lo).setConstant(neg_inf);
  m.tail(lk - keys.hi).setConstant(neg_inf);
  const Index n = keys.hi - keys.lo;
  if (additive) m.segment(keys.lo, n) = t.segment(keys.lo, n) + ConstRow(additive + keys.lo, n);
  else m.segment(keys.lo, n) = t.segment(keys.lo, n);
}

RowStats softmax_row(const float* scaled, const float* masked, float* weights, Index lk, KeyRange keys,
                     bool has_additive, std::optional<float> sink, std::span<RowStream> alongside) {
  Row p(weights, lk);
  p.head(keys.lo).setZero();
  p.tail(lk - keys.hi).setZero();
  const Index n = keys.hi - keys.lo;
  OnlineSoftmax row;
  row.add(masked + keys.lo, scaled + keys.lo, weights + keys.lo, n, has_additive, alongside);
  for (RowStream& out : alongside) out.finish();
  if (row.attends()) p.segment(keys.lo, n) *= static_cast<float>(row.normaliser(sink));
  return row.stats(lk, sink);
}

}  // namespace attnlab
