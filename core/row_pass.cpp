#include "core/row_pass.hpp"

#include <cstdint>
#include <cstring>
#include <limits>
#if defined(__AVX512F__) || defined(__AVX__)
#include <immintrin.h>
#endif

#include "core/online_softmax.hpp"

namespace attnlab {
namespace {
using Row = Eigen::Map<Eigen::ArrayXf>;
using ConstRow = Eigen::Map<const Eigen::ArrayXf>;
}  // namespace

void scale_row(const float* scores, float* scaled, Index lk, float s) {
  Row(scaled, lk) = s * ConstRow(scores, lk);
}

void mask_row(const float* scaled, float* masked, Index lk, KeyRange keys, const float* additive) {
  const ConstRow t(scaled, lk);
  Row m(masked, lk);
  constexpr float neg_inf = -std::numeric_limits<float>::infinity();
  m.head(keys.lo).setConstant(neg_inf);
  m.tail(lk - keys.hi).setConstant(neg_inf);
  const Index n = keys.hi - keys.lo;
  if (additive)
    m.segment(keys.lo, n) = t.segment(keys.lo, n) + ConstRow(additive + keys.lo, n);
  else
    m.segment(keys.lo, n) = t.segment(keys.lo, n);
}

void stream_row(float* dst, const float* src, Index n) {
  Index j = 0;
#if defined(__AVX512F__)
  constexpr Index lanes = 16, align = 64;
#elif defined(__AVX__)
  constexpr Index lanes = 8, align = 32;
#endif
#if defined(__AVX512F__) || defined(__AVX__)
  for (; j < n && reinterpret_cast<std::uintptr_t>(dst + j) % align != 0; ++j) dst[j] = src[j];
  for (; j + lanes <= n; j += lanes)
#if defined(__AVX512F__)
    _mm512_stream_ps(dst + j, _mm512_loadu_ps(src + j));
#else
    _mm256_stream_ps(dst + j, _mm256_loadu_ps(src + j));
#endif
#endif
  std::memcpy(dst + j, src + j, sizeof(float) * static_cast<std::size_t>(n - j));
}

void stream_fence() {
#if defined(__AVX512F__) || defined(__AVX__)
  _mm_sfence();
#endif
}

RowStats softmax_row(const float* scaled, const float* masked, float* weights, Index lk, KeyRange keys,
                     bool has_additive) {
  Row p(weights, lk);
  p.head(keys.lo).setZero();
  p.tail(lk - keys.hi).setZero();
  const Index n = keys.hi - keys.lo;
  OnlineSoftmax row;
  row.add(masked + keys.lo, scaled + keys.lo, weights + keys.lo, n, has_additive);
  if (row.attends())
    p.segment(keys.lo, n) *= static_cast<float>(1.0 / row.sum());
  return row.stats(lk);
}

}  // namespace attnlab
