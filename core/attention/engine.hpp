#pragma once
// The engine a front end holds: a problem, a backend and the trace, recomputing only the stages a
// change makes stale. A change that fails validation leaves the problem and the trace as they were.
#include <memory>
#include <optional>

#include "core/attention/backend.hpp"

namespace attnlab {

enum class Mode { full, output_only };

class Engine {
 public:
  explicit Engine(std::unique_ptr<Backend> backend, Mode mode = Mode::full);

  void set_problem(Problem problem);                   // new inputs: everything is recomputed
  // New inputs with their trace, computed for exactly this problem elsewhere (a window's worker, on a
  // backend of the engine's kind): nothing is recomputed.
  void set_problem(Problem problem, Trace trace);
  void set_scale(const ScaleSpec& scale);              // scores are kept
  void set_temperature(double temperature);            // scores are kept
  void set_mask(MaskSpec mask);                        // scores and scaled scores are kept
  void set_softcap(std::optional<double> softcap);     // scores and scaled scores are kept
  void set_sink(std::optional<double> sink);           // scores, scaled (and capped) scores are kept
  void set_precision(const PrecisionMode& precision);  // the inputs are rounded anew: everything
  void set_backend(std::unique_ptr<Backend> backend);
  void invalidate();  // the next trace() recomputes everything (a benchmark's repetition)

  // The trace for the current problem, recomputing what is stale first.
  const Trace& trace(StageTimes* times = nullptr);
  const Problem& problem() const { return problem_; }
  Backend& backend() { return *backend_; }
  Mode mode() const { return mode_; }

 private:
  enum class Stale { nothing, after_scaled, after_scores, everything };
  template <class T>
  void change(T Problem::*field, T value, Stale stale);

  std::unique_ptr<Backend> backend_;
  Mode mode_;
  Problem problem_;
  ScoreBound bound_;  // of problem_'s Q and K, kept so that a settings change costs no pass over them
  Trace trace_;
  Stale stale_ = Stale::everything;
};

}  // namespace attnlab
