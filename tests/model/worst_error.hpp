#pragma once
// How far the lab's float32 results lie from the float64 reference, in units of the tolerance.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "core/base/matrix.hpp"
#include "tests/model/reference_forward.hpp"

namespace model_test {

// The worst |got − want| / (tol + tol·|want|) over every element; at most 1 passes.
inline double worst_of(const attnlab::Matrix& got, const Rows& want, double tol) {
  REQUIRE(got.rows() == static_cast<attnlab::Index>(want.size()));
  REQUIRE(got.cols() == static_cast<attnlab::Index>(want.front().size()));
  double worst = 0;
  for (attnlab::Index i = 0; i < got.rows(); ++i)
    for (attnlab::Index j = 0; j < got.cols(); ++j) {
      const double w = want[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
      worst = std::max(worst, std::abs(got(i, j) - w) / (tol + tol * std::abs(w)));
    }
  return worst;
}

}  // namespace model_test
