#pragma once
// Comparisons that report the worst cell, so a failure says where and by how much.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <string>

#include "core/inputs/random.hpp"
#include "tests/reference.hpp"

namespace attnlab::test {

// Every cell within atol + rtol·|expected|; -inf must match -inf exactly; no NaN anywhere.
template <class A, class B>
void check_close(const A& actual, const B& expected_expression, double atol, double rtol, const std::string& what) {
  // Evaluated once: reading a cell of a product expression would compute the whole product again.
  const auto expected = expected_expression.eval();
  REQUIRE_MESSAGE(actual.rows() == expected.rows(), what);
  REQUIRE_MESSAGE(actual.cols() == expected.cols(), what);
  double worst = 0;
  long wi = -1, wj = -1;
  for (long i = 0; i < actual.rows(); ++i)
    for (long j = 0; j < actual.cols(); ++j) {
      const double a = actual(i, j), e = expected(i, j);
      double excess;
      if (std::isnan(a) || std::isnan(e)) excess = INFINITY;
      else if (std::isinf(e) || std::isinf(a)) excess = a == e ? 0 : INFINITY;
      else excess = std::abs(a - e) / (atol + rtol * std::abs(e));
      if (excess > worst) worst = excess, wi = i, wj = j;
    }
  std::ostringstream msg;
  if (wi >= 0)
    msg << what << ": worst cell (" << wi << ", " << wj << ") is " << actual(wi, wj) << ", expected "
        << expected(wi, wj) << " (" << worst << "× the tolerance)";
  CHECK_MESSAGE(worst <= 1.0, msg.str());
}

// Exactly equal, shape first: what must hold when two paths do the same float32 arithmetic.
inline void check_equal(const Matrix& a, const Matrix& b, const std::string& what) {
  REQUIRE_MESSAGE(a.rows() == b.rows(), what);
  REQUIRE_MESSAGE(a.cols() == b.cols(), what);
  CHECK_MESSAGE(a == b, what);
}

inline Problem random_problem(long lq, long lk, long dk, long dv, std::uint64_t seed, float sigma = 1) {
  Problem p;
  p.q = random_matrix(seed, RandomStream::q, lq, dk, sigma);
  p.k = random_matrix(seed, RandomStream::k, lk, dk, sigma);
  p.v = random_matrix(seed, RandomStream::v, lk, dv, sigma);
  return p;
}

template <class M>
MatD to_double(const M& m) {
  return m.template cast<double>();
}

}  // namespace attnlab::test
