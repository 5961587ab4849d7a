#pragma once
// One narrow interface over the compute backends, picked by name: "cpu", "gpu", or "auto".
#include <memory>
#include <string>
#include <string_view>

#include "core/attention/problem.hpp"
#include "core/attention/trace.hpp"

namespace attnlab {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;         // "cpu" or "gpu"
  virtual std::string description() const = 0;  // what runs it: "Eigen 3.4, 2 threads", a GL renderer

  // Every stage from the inputs. The trace's buffers are reused when the sizes have not changed.
  virtual void compute(const Problem& problem, Trace& trace, StageTimes* times = nullptr) = 0;
  // Every stage but the scores, which `trace` already holds for the same Q and K: what a scale,
  // temperature or mask change needs.
  virtual void recompute_from_scores(const Problem& problem, Trace& trace, StageTimes* times = nullptr) = 0;
  // Every stage after `scaled`, which `trace` already holds: what a mask change needs.
  virtual void recompute_from_scaled(const Problem& problem, Trace& trace, StageTimes* times = nullptr) {
    recompute_from_scores(problem, trace, times);
  }
  // The output and the statistics only, never holding an Lq×Lk matrix: what large L uses.
  virtual void compute_output_only(const Problem& problem, Trace& trace, StageTimes* times = nullptr) = 0;
};

}  // namespace attnlab
