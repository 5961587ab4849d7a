#pragma once
// An exception must not leave an OpenMP parallel region: the program would terminate (exit 134)
// instead of reporting it. Buffers are allocated before a region; what can still throw inside one
// (Eigen's product may allocate its blocking buffers) runs through FirstError::run, which keeps the
// first exception, and rethrow() raises it once the region is over.
#include <atomic>
#include <exception>

namespace attnlab {

class FirstError {
 public:
  template <class Work>
  void run(Work&& work) noexcept {
    if (failed_.load(std::memory_order_relaxed)) return;  // after a failure the rest need not run
    try {
      work();
    } catch (...) {
#pragma omp critical(attnlab_first_error)
      if (!error_) error_ = std::current_exception();
      failed_.store(true, std::memory_order_relaxed);
    }
  }
  void rethrow() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::exception_ptr error_;
  std::atomic<bool> failed_{false};
};

}  // namespace attnlab
