#pragma once
// Copying a finished row out to a stage that nothing reads back during this compute, with
// non-temporal stores where the CPU has them: no read-for-ownership of the destination and no
// eviction of the rows still being worked on. Such stores are cheap to issue but drain to memory
// slowly, so a copy loop of their own mostly waits; a RowStream is stepped a packet at a time from
// inside an arithmetic loop instead (the softmax's exp loop), where much of that time is hidden.
// Call stream_fence() before another thread reads what was streamed.
#include <algorithm>
#include <cstdint>

#include "core/base/matrix.hpp"
#if defined(EIGEN_VECTORIZE_SSE) || defined(EIGEN_VECTORIZE_AVX) || defined(EIGEN_VECTORIZE_AVX512)
#include <immintrin.h>
#endif

namespace attnlab {

class RowStream {
 public:
  using Packet = Eigen::internal::packet_traits<float>::type;
  static constexpr Index lanes = Eigen::internal::packet_traits<float>::size;

  // Copies src[0, n) to dst: the floats before dst's first packet boundary at once, the rest by
  // step() and finish().
  RowStream(float* dst, const float* src, Index n) : dst_(dst), src_(src), n_(n) {
    while (at_ < n_ && reinterpret_cast<std::uintptr_t>(dst_ + at_) % (lanes * sizeof(float)) != 0) {
      dst_[at_] = src_[at_];
      ++at_;
    }
  }

  // One packet, if a whole one is left.
  void step() {
    if (at_ + lanes > n_) return;
    store(dst_ + at_, Eigen::internal::ploadu<Packet>(src_ + at_));
    at_ += lanes;
  }

  // Everything still left.
  void finish() {
    while (at_ + lanes <= n_) step();
    std::copy(src_ + at_, src_ + n_, dst_ + at_);
    at_ = n_;
  }

 private:
  static void store(float* aligned, Packet p) {
#if defined(EIGEN_VECTORIZE_AVX512)
    _mm512_stream_ps(aligned, p);
#elif defined(EIGEN_VECTORIZE_AVX)
    _mm256_stream_ps(aligned, p);
#elif defined(EIGEN_VECTORIZE_SSE)
    _mm_stream_ps(aligned, p);
#else
    Eigen::internal::pstore(aligned, p);
#endif
  }

  float* dst_;
  const float* src_;
  Index n_, at_ = 0;
};

inline void stream_row(float* dst, const float* src, Index n) {
  RowStream(dst, src, n).finish();
}

inline void stream_fence() {
#if defined(EIGEN_VECTORIZE_SSE) || defined(EIGEN_VECTORIZE_AVX) || defined(EIGEN_VECTORIZE_AVX512)
  _mm_sfence();
#endif
}

}  // namespace attnlab
