#include "core/model/half_float.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#if defined(__AVX512F__) || defined(__F16C__)
#include <immintrin.h>
#endif

namespace attnlab {
namespace {

std::uint16_t read16(const char* p) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

// BF16 is the top half of a float32.
float bf16_value(std::uint16_t bits) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
}

float f16_value(std::uint16_t bits) {
  return static_cast<float>(Eigen::numext::bit_cast<Eigen::half>(bits));
}

// Vector lanes first, where the CPU converts in one instruction; `done` values come back.
std::size_t f16_vector([[maybe_unused]] const char* bytes, [[maybe_unused]] std::size_t count,
                       [[maybe_unused]] float* out) {
  std::size_t i = 0;
#if defined(__AVX512F__)
  for (; i + 16 <= count; i += 16)
    _mm512_storeu_ps(out + i, _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes + 2 * i))));
#elif defined(__F16C__)
  for (; i + 8 <= count; i += 8)
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + 2 * i))));
#endif
  return i;
}

std::size_t bf16_vector([[maybe_unused]] const char* bytes, [[maybe_unused]] std::size_t count,
                        [[maybe_unused]] float* out) {
  std::size_t i = 0;
#if defined(__AVX512F__)
  for (; i + 16 <= count; i += 16) {
    const __m512i wide = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes + 2 * i)));
    _mm512_storeu_ps(out + i, _mm512_castsi512_ps(_mm512_slli_epi32(wide, 16)));
  }
#elif defined(__AVX2__)
  for (; i + 8 <= count; i += 8) {
    const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + 2 * i)));
    _mm256_storeu_ps(out + i, _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16)));
  }
#endif
  return i;
}

// The exponent field: all ones only in NaN and ±inf.
std::uint16_t exponent_bits(DType dtype) {
  switch (dtype) {
    case DType::f16: return 0x7c00;
    case DType::bf16: return 0x7f80;
    default: throw std::logic_error(std::string("half_float: ") + dtype_name(dtype) + " is not a 16-bit float dtype");
  }
}

constexpr std::ptrdiff_t kBlock = 1 << 16;

// The largest exponent field of a block: a maximum of integers vectorises, a test per value would branch.
std::uint16_t largest_exponent(const char* bytes, std::size_t count, std::uint16_t field) {
  std::uint16_t largest = 0;
  for (std::size_t i = 0; i < count; ++i) largest = std::max<std::uint16_t>(largest, read16(bytes + 2 * i) & field);
  return largest;
}

}  // namespace

void half_to_float(const char* bytes, DType dtype, std::size_t count, float* out) {
  static_assert(std::endian::native == std::endian::little);  // as the files are
  switch (dtype) {
    case DType::f16:
      for (std::size_t i = f16_vector(bytes, count, out); i < count; ++i) out[i] = f16_value(read16(bytes + 2 * i));
      return;
    case DType::bf16:
      for (std::size_t i = bf16_vector(bytes, count, out); i < count; ++i) out[i] = bf16_value(read16(bytes + 2 * i));
      return;
    default: exponent_bits(dtype);  // throws
  }
}

std::optional<std::size_t> first_non_finite_half(const char* bytes, DType dtype, std::size_t count) {
  const std::uint16_t field = exponent_bits(dtype);
  const auto blocks = static_cast<std::ptrdiff_t>((count + kBlock - 1) / kBlock);
  std::ptrdiff_t first_bad = blocks;
#pragma omp parallel for schedule(static) reduction(min : first_bad) if (blocks > 1)
  for (std::ptrdiff_t b = 0; b < blocks; ++b) {
    const std::size_t lo = static_cast<std::size_t>(b * kBlock), n = std::min(count - lo, std::size_t{kBlock});
    if (largest_exponent(bytes + 2 * lo, n, field) == field) first_bad = std::min(first_bad, b);
  }
  for (std::size_t i = static_cast<std::size_t>(first_bad * kBlock); i < count; ++i)
    if ((read16(bytes + 2 * i) & field) == field) return i;
  return std::nullopt;
}

}  // namespace attnlab
