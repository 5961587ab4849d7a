#pragma once
// Work spread over frames (a page's token a layer at a time, the model view a head at a time): pieces
// while a frame's budget lasts, one at least, and the next only when one as long as the last still
// ends within it (a page's clock may step in 0.1 ms, so a budget of 0 is one piece a frame however
// quick).
#include <chrono>

namespace attnlab::gui {

class FrameBudget {
 public:
  using Clock = std::chrono::steady_clock;
  explicit FrameBudget(double ms, Clock::time_point start = Clock::now()) : ms_(ms), start_(start) {}
  // Whether the next piece may run in this frame.
  bool room() const { return !ran_ || ms_since(start_) + last_ms_ < ms_; }
  template <class Piece>
  void run(Piece&& piece) {
    const Clock::time_point start = Clock::now();
    piece();
    ran_ = true;
    last_ms_ = ms_since(start);
  }

 private:
  static double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
  }
  double ms_, last_ms_ = 0;
  Clock::time_point start_;
  bool ran_ = false;
};

}  // namespace attnlab::gui
