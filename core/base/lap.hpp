#pragma once
// Wall time between the steps of a compute, for StageTimes.
#include <chrono>

namespace attnlab {

using Clock = std::chrono::steady_clock;

// Milliseconds since `start`, which moves on to now.
inline double lap(Clock::time_point& start) {
  const auto now = Clock::now();
  const double ms = std::chrono::duration<double, std::milli>(now - start).count();
  start = now;
  return ms;
}

}  // namespace attnlab
