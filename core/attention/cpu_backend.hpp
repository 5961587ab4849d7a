#pragma once
// The CPU backend on Eigen: blocks of query rows in parallel (OpenMP, every core), each block
// going through Q·Kᵀ, the fused scale + mask + softmax + statistics pass and P·V while it is
// still in cache.
#include "core/attention/backend.hpp"

namespace attnlab {

class CpuBackend final : public Backend {
 public:
  std::string name() const override { return "cpu"; }
  std::string description() const override;
  void compute(const Problem& problem, Trace& trace, StageTimes* times = nullptr) override;
  void recompute_from_scores(const Problem& problem, Trace& trace, StageTimes* times = nullptr) override;
  void recompute_from_scaled(const Problem& problem, Trace& trace, StageTimes* times = nullptr) override;
  void compute_output_only(const Problem& problem, Trace& trace, StageTimes* times = nullptr) override;

  // Keys per tile of the output-only mode (≥ 1): 256 keeps a 128-query tile of scores in 128 KiB.
  static constexpr Index default_key_tile = 256;
  void set_key_tile(Index keys);  // throws InputError below 1
  Index key_tile() const { return key_tile_; }

 private:
  Index key_tile_ = default_key_tile;
  enum class From { inputs, scores, scaled };  // the first stage still valid in the trace, or none
  void run_full(const Problem& problem, Trace& trace, From from, StageTimes* times);
};

int cpu_threads();

}  // namespace attnlab
