#include "core/gl/kernel_timer.hpp"

namespace attnlab::gl {

KernelTimer::KernelTimer(bool queries) : queries_(queries) {
  if (queries_) glGenQueries(slots, ids_.data());
}

KernelTimer::~KernelTimer() {
  if (queries_) glDeleteQueries(slots, ids_.data());
}

void KernelTimer::begin(Slot slot) {
  if (queries_) glBeginQuery(GL_TIME_ELAPSED, ids_[slot]);
  else start_ = Clock::now();
}

void KernelTimer::end(Slot slot) {
  if (queries_) {
    glEndQuery(GL_TIME_ELAPSED);
    return;
  }
  glFinish();
  wall_ms_[slot] = lap(start_);
}

double KernelTimer::ms(Slot slot) const {
  if (!queries_) return wall_ms_[slot];
  GLuint64 ns = 0;
  glGetQueryObjectui64v(ids_[slot], GL_QUERY_RESULT, &ns);
  return static_cast<double>(ns) * 1e-6;
}

}  // namespace attnlab::gl
