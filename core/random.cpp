#include "core/random.hpp"

#include <cmath>
#include <numbers>

namespace attnlab {
namespace {

// SplitMix64's finaliser: a bijective mix with good avalanche, defined bit for bit.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace

float normal_at(std::uint64_t seed, RandomStream stream, std::uint64_t row, std::uint64_t col) {
  std::uint64_t h = mix(seed + 0x9e3779b97f4a7c15ULL);
  h = mix(h ^ static_cast<std::uint64_t>(stream));
  h = mix(h ^ row);
  h = mix(h ^ (col * 0x9e3779b97f4a7c15ULL));
  // Two 32-bit uniforms; u1 in (0, 1] so the log is finite.
  const double u1 = (static_cast<double>(h >> 32) + 1.0) / 4294967296.0;
  const double u2 = static_cast<double>(h & 0xffffffffULL) / 4294967296.0;
  // Box–Muller in double, rounded to float: the rounding hides any last-bit difference between libms.
  return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2));
}

Matrix random_matrix(std::uint64_t seed, RandomStream stream, Index rows, Index cols, float sigma) {
  Matrix m(rows, cols);
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < rows; ++i)
    for (Index j = 0; j < cols; ++j)
      m(i, j) = sigma * normal_at(seed, stream, static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(j));
  return m;
}

}  // namespace attnlab
