#pragma once
// Seeded N(0, σ²) inputs that are the same on every machine and every standard library.
// Each element is a pure function of (seed, matrix, row, column): growing dk keeps the first
// columns and growing L keeps the first rows, so a slider shows the same tokens with more detail.
#include <cstdint>

#include "core/base/matrix.hpp"

namespace attnlab {

enum class RandomStream : std::uint32_t { q = 1, k = 2, v = 3 };

float normal_at(std::uint64_t seed, RandomStream stream, std::uint64_t row, std::uint64_t col);
// Columns [first, last) of one row, times sigma: what normal_at gives, a pair of columns per draw.
void fill_normals(float* out, std::uint64_t seed, RandomStream stream, std::uint64_t row, Index first, Index last,
                  float sigma);
Matrix random_matrix(std::uint64_t seed, RandomStream stream, Index rows, Index cols, float sigma);

}  // namespace attnlab
