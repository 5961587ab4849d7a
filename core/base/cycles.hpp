#pragma once
// A cheap clock for sharing a compute's wall time out among its stages (only ratios are used): the
// time-stamp counter on x86, the steady clock's ticks elsewhere (a web page has no counter).
#include <cstdint>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#else
#include <chrono>
#endif

namespace attnlab {

inline std::uint64_t cycle_count() {
#if defined(__x86_64__) || defined(__i386__)
  return __rdtsc();
#else
  return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

}  // namespace attnlab
