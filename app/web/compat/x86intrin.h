#pragma once
// The CPU backend reads the time-stamp counter to share a compute's wall time out among its stages; a
// web page has no such counter, so the browser's clock in nanoseconds stands in (only ratios are used).
#include <emscripten/emscripten.h>
#include <immintrin.h>

static inline unsigned long long __rdtsc(void) {
  return (unsigned long long)(emscripten_get_now() * 1e6);
}
