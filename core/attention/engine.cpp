#include "core/attention/engine.hpp"

#include <algorithm>
#include <utility>

#include "core/attention/memory.hpp"

namespace attnlab {

Engine::Engine(std::unique_ptr<Backend> backend, Mode mode) : backend_(std::move(backend)), mode_(mode) {}

// Changes one field in place (no copy of Q, K, V) and puts it back if the result is not valid.
template <class T>
void Engine::change(T Problem::*field, T value, Stale stale) {
  T old = std::exchange(problem_.*field, std::move(value));
  try {
    validate_settings(problem_, bound_);
  } catch (...) {
    problem_.*field = std::move(old);
    throw;
  }
  stale_ = std::max(stale_, stale);
}

void Engine::set_problem(Problem problem) {
  validate(problem);
  if (mode_ == Mode::full)
    check_full_trace_fits(problem.lq(), problem.lk(), problem.dk(), problem.dv(), problem.softcap.has_value());
  bound_ = score_bound(problem);
  problem_ = std::move(problem);
  stale_ = Stale::everything;
}

void Engine::set_problem(Problem problem, Trace trace) {
  set_problem(std::move(problem));
  trace_ = std::move(trace);
  stale_ = Stale::nothing;
}

void Engine::set_scale(const ScaleSpec& scale) {
  change(&Problem::scale, scale, Stale::after_scores);
}

void Engine::set_temperature(double temperature) {
  change(&Problem::temperature, temperature, Stale::after_scores);
}

void Engine::set_mask(MaskSpec mask) {
  change(&Problem::mask, std::move(mask), Stale::after_scaled);
}

void Engine::set_softcap(std::optional<double> softcap) {
  if (mode_ == Mode::full && softcap && !problem_.softcap)  // a fifth Lq×Lk stage
    check_full_trace_fits(problem_.lq(), problem_.lk(), problem_.dk(), problem_.dv(), true);
  change(&Problem::softcap, softcap, Stale::after_scores);
}

void Engine::set_sink(std::optional<double> sink) {
  change(&Problem::sink, sink, Stale::after_scaled);
}

void Engine::set_precision(const PrecisionMode& precision) {
  change(&Problem::precision, precision, Stale::everything);
}

void Engine::set_backend(std::unique_ptr<Backend> backend) {
  backend_ = std::move(backend);
  stale_ = Stale::everything;
}

void Engine::invalidate() {
  stale_ = Stale::everything;
}

const Trace& Engine::trace(StageTimes* times) {
  if (mode_ == Mode::output_only) {
    if (stale_ != Stale::nothing) backend_->compute_output_only(problem_, trace_, times);
  } else if (stale_ == Stale::everything) {
    backend_->compute(problem_, trace_, times);
  } else if (stale_ == Stale::after_scores) {
    backend_->recompute_from_scores(problem_, trace_, times);
  } else if (stale_ == Stale::after_scaled) {
    backend_->recompute_from_scaled(problem_, trace_, times);
  }
  stale_ = Stale::nothing;
  return trace_;
}

}  // namespace attnlab
