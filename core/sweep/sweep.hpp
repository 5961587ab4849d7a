#pragma once
// The dk sweep of semantics.md: for each dk, many random problems with Q, K ~ N(0, σ²) and
// Lq = Lk = L, averaging the row statistics once scaled by 1/√dk and once unscaled. It shows why
// the scale is there: unscaled, the scores' spread grows like σ²·√dk and softmax saturates.
#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/base/matrix.hpp"

namespace attnlab {

struct SweepOptions {
  std::vector<Index> dks;
  Index length = 32;  // L
  int trials = 64;
  std::uint64_t seed = 0;
  double sigma = 1.0;
};

struct SweepPoint {
  Index dk = 0;
  bool scaled = true;                                                    // scale sqrt, or none
  double score_std = 0, max_weight = 0, entropy = 0, jacobian_norm = 0;  // averages over rows and trials
};

// "A:B": the powers of two from A to B; "a,b,c": those. Throws InputError naming the list.
std::vector<Index> parse_dk_list(std::string_view list);
void check_sweep(const SweepOptions& options);  // throws InputError naming the bad option

// Two points per dk, scaled first. `done`, when given, counts finished (dk, trial) problems, so
// another thread can draw a progress bar; `cancel` stops early (the result is then incomplete).
std::vector<SweepPoint> sweep(const SweepOptions& options, std::atomic<int>* done = nullptr,
                              const std::atomic<bool>* cancel = nullptr);

}  // namespace attnlab
