#include "core/inputs/random.hpp"

#include <cmath>
#include <numbers>
#include <utility>

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

// The hash of a row: the seed, the matrix and the row, mixed once per row rather than per element.
std::uint64_t row_hash(std::uint64_t seed, RandomStream stream, std::uint64_t row) {
  std::uint64_t h = mix(seed + 0x9e3779b97f4a7c15ULL);
  h = mix(h ^ static_cast<std::uint64_t>(stream));
  return mix(h ^ row);
}

// Columns 2·pair and 2·pair + 1: Box–Muller's two normals from one pair of 32-bit uniforms,
// computed in double and rounded to float, which hides any last-bit difference between libms.
std::pair<float, float> normal_pair(std::uint64_t row_h, std::uint64_t pair) {
  const std::uint64_t h = mix(row_h ^ (pair * 0x9e3779b97f4a7c15ULL));
  const double u1 = (static_cast<double>(h >> 32) + 1.0) / 4294967296.0;  // (0, 1]: the log is finite
  const double u2 = static_cast<double>(h & 0xffffffffULL) / 4294967296.0;
  const double radius = std::sqrt(-2.0 * std::log(u1)), angle = 2.0 * std::numbers::pi * u2;
  return {static_cast<float>(radius * std::cos(angle)), static_cast<float>(radius * std::sin(angle))};
}

}  // namespace

float normal_at(std::uint64_t seed, RandomStream stream, std::uint64_t row, std::uint64_t col) {
  const auto [even, odd] = normal_pair(row_hash(seed, stream, row), col / 2);
  return col % 2 ? odd : even;
}

void fill_normals(float* out, std::uint64_t seed, RandomStream stream, std::uint64_t row, Index first, Index last,
                  float sigma) {
  const std::uint64_t h = row_hash(seed, stream, row);
  for (Index j = first; j < last;) {
    const auto [even, odd] = normal_pair(h, static_cast<std::uint64_t>(j / 2));
    if (j % 2 == 0) out[j++ - first] = sigma * even;
    if (j < last) out[j++ - first] = sigma * odd;
  }
}

Matrix random_matrix(std::uint64_t seed, RandomStream stream, Index rows, Index cols, float sigma) {
  Matrix m(rows, cols);
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < rows; ++i)
    fill_normals(m.row(i).data(), seed, stream, static_cast<std::uint64_t>(i), 0, cols, sigma);
  return m;
}

}  // namespace attnlab
