#pragma once
// One result computed off the frame loop for the data on screen: on a worker thread on the desktop, at
// once on a web page (one thread), waited for in a scripted run so that its pictures are complete. A
// frame asks for the result of its key; until it is there the frame draws without it.
#include <atomic>
#include <memory>
#include <thread>

#include "app/gui/platform.hpp"

namespace attnlab::gui {

template <class Key, class Result>
class BackgroundJob {
 public:
  // The result for `key`, or nullptr while `compute(key)` runs. A key asked for while another runs
  // is computed once that one is done (compute holds what it reads: the key keeps it alive).
  template <class Compute>
  const Result* get(const Key& key, bool wait, Compute compute) {
    if (running_ && (wait || running_->finished)) take();
    if (done_ && key_ == key) return done_.get();
    if (running_) return nullptr;
    running_ = std::make_shared<Running>();
    running_->key = key;
    const auto run = [r = running_, compute] {
      r->result = std::make_shared<const Result>(compute(r->key));
      r->finished = true;
    };
    if (platform::threads_available()) worker_ = std::jthread(run);
    else run();
    if (wait || running_->finished) take();
    return done_ && key_ == key ? done_.get() : nullptr;
  }

 private:
  struct Running {
    Key key;
    std::shared_ptr<const Result> result;
    std::atomic<bool> finished{false};
  };
  void take() {
    if (worker_.joinable()) worker_.join();
    worker_ = std::jthread();
    key_ = running_->key, done_ = running_->result;
    running_.reset();
  }
  Key key_{};
  std::shared_ptr<const Result> done_;
  std::shared_ptr<Running> running_;
  std::jthread worker_;  // last: joined before what it uses goes
};

}  // namespace attnlab::gui
