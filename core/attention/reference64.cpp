#include "core/attention/reference64.hpp"

#include <cmath>
#include <limits>

namespace attnlab {

Matrix reference_weights_error(const Problem& p, const Matrix& weights) {
  const Index lq = p.lq(), lk = p.lk();
  const Eigen::MatrixXd scores = p.q.cast<double>() * p.k.cast<double>().transpose();
  const double s = resolve_scale(p.scale, p.dk()) / p.temperature;
  Matrix error(lq, lk);
  Eigen::VectorXd x(lk);
  for (Index i = 0; i < lq; ++i) {
    const KeyRange keys = key_range(p.mask, i, lq, lk);
    // The sink, when there is one, takes part in the maximum and the sum, and has no weight of its own.
    double top = p.sink ? *p.sink : -std::numeric_limits<double>::infinity();
    for (Index j = 0; j < lk; ++j) {
      const double t = s * scores(i, j);
      x(j) = j >= keys.lo && j < keys.hi ? (p.softcap ? *p.softcap * std::tanh(t / *p.softcap) : t)
                                         : -std::numeric_limits<double>::infinity();
      if (p.mask.kind == MaskSpec::Kind::matrix) x(j) += p.mask.additive(i, j);
      top = std::max(top, x(j));
    }
    double sum = p.sink && !std::isinf(top) ? std::exp(*p.sink - top) : 0;
    for (Index j = 0; j < lk; ++j) sum += std::isinf(top) ? 0 : std::exp(x(j) - top);
    for (Index j = 0; j < lk; ++j) {
      const double truth = sum > 0 ? std::exp(x(j) - top) / sum : 0;
      error(i, j) = static_cast<float>(std::abs(double(weights(i, j)) - truth));  // NaN stays NaN
    }
  }
  return error;
}

}  // namespace attnlab
