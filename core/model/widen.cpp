#include "core/model/widen.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/model/half_float.hpp"

namespace attnlab {
namespace {

constexpr std::ptrdiff_t kBlock = 1 << 16;

// The largest exponent field of a block: all ones (0xff) only where a value is NaN or ±inf. A maximum
// of integers vectorises, where a test per value would branch.
std::uint32_t largest_exponent(const float* values, std::size_t count) {
  std::uint32_t largest = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, values + i, 4);
    largest = std::max(largest, bits & 0x7f800000u);
  }
  return largest;
}

}  // namespace

std::optional<std::size_t> first_non_finite(const float* values, std::size_t count) {
  const auto blocks = static_cast<std::ptrdiff_t>((count + kBlock - 1) / kBlock);
  std::ptrdiff_t first_bad = blocks;
#pragma omp parallel for schedule(static) reduction(min : first_bad) if (blocks > 1)
  for (std::ptrdiff_t b = 0; b < blocks; ++b) {
    const std::size_t lo = static_cast<std::size_t>(b * kBlock), n = std::min(count - lo, std::size_t{kBlock});
    if (largest_exponent(values + lo, n) == 0x7f800000u) first_bad = std::min(first_bad, b);
  }
  if (first_bad == blocks) return std::nullopt;
  for (std::size_t i = static_cast<std::size_t>(first_bad * kBlock); i < count; ++i)
    if (!std::isfinite(values[i])) return i;
  return std::nullopt;
}

void widen(std::string_view bytes, DType dtype, std::size_t count, float* out) {
  // The files are little-endian, and so is every machine Attention Lab builds for.
  static_assert(std::endian::native == std::endian::little);
  if (dtype == DType::f32) {
    std::memcpy(out, bytes.data(), count * 4);
    return;
  }
  // In blocks on every core (half_to_float refuses any other dtype).
  const auto blocks = static_cast<std::ptrdiff_t>((count + kBlock - 1) / kBlock);
#pragma omp parallel for schedule(static) if (blocks > 1)
  for (std::ptrdiff_t b = 0; b < blocks; ++b) {
    const std::size_t lo = static_cast<std::size_t>(b * kBlock), n = std::min(count - lo, std::size_t{kBlock});
    half_to_float(bytes.data() + 2 * lo, dtype, n, out + lo);
  }
}

}  // namespace attnlab
