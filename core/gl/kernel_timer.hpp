#pragma once
// Each kernel's time, for StageTimes: GL_TIME_ELAPSED queries on a GPU, read once the results are
// back. A software rasterizer's queries do not see compute work (llvmpipe reports 0), so there it is
// the wall time of the kernel run to completion instead.
#include <epoxy/gl.h>

#include <array>

#include "core/base/lap.hpp"

namespace attnlab::gl {

class KernelTimer {
 public:
  enum Slot { scores, softmax, output, slots };

  explicit KernelTimer(bool queries);
  ~KernelTimer();
  KernelTimer(const KernelTimer&) = delete;
  KernelTimer& operator=(const KernelTimer&) = delete;

  void begin(Slot slot);
  void end(Slot slot);
  double ms(Slot slot) const;  // waits for the GPU when it has to

 private:
  bool queries_;
  std::array<GLuint, slots> ids_{};
  std::array<double, slots> wall_ms_{};
  Clock::time_point start_;
};

}  // namespace attnlab::gl
