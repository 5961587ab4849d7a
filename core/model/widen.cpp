#include "core/model/widen.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace attnlab {
namespace {

// The blocks are converted in parallel: a 16-bit model's weights are widened once, at load.
constexpr std::ptrdiff_t kBlock = 1 << 16;

template <class Convert>
void each_value(std::string_view bytes, std::size_t size, std::size_t count, float* out, Convert convert) {
  const auto blocks = static_cast<std::ptrdiff_t>((count + kBlock - 1) / kBlock);
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t b = 0; b < blocks; ++b) {
    const std::size_t lo = static_cast<std::size_t>(b * kBlock), hi = std::min(count, lo + kBlock);
    for (std::size_t i = lo; i < hi; ++i) out[i] = convert(bytes.data() + i * size);
  }
}

std::uint16_t read16(const char* p) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

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
  switch (dtype) {
    case DType::f32: std::memcpy(out, bytes.data(), count * 4); return;
    case DType::f16:
      each_value(bytes, 2, count, out,
                 [](const char* p) { return static_cast<float>(Eigen::numext::bit_cast<Eigen::half>(read16(p))); });
      return;
    case DType::bf16:
      each_value(bytes, 2, count, out,
                 [](const char* p) { return std::bit_cast<float>(static_cast<std::uint32_t>(read16(p)) << 16); });
      return;
    default: throw std::logic_error(std::string("widen: ") + dtype_name(dtype) + " is not a float dtype");
  }
}

}  // namespace attnlab
