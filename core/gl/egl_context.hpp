#pragma once
// A headless OpenGL 4.3+ core context through EGL, with no window and no surface: what the command
// line and the tests compute on. A GUI brings its own context instead (GlBackend::on_current_context).
#include <string>

#include "core/base/error.hpp"

namespace attnlab::gl {

// What "auto" meets on a machine with no hardware GPU, only a software renderer: nothing is wrong,
// the CPU backend is simply the right choice there.
struct NoHardwareGpu : RunError {
  using RunError::RunError;
};

class EglContext {
 public:
  // Tries every EGL device (hardware first), then Mesa's surfaceless platform, then the default
  // display, and makes the first OpenGL 4.3 core context it gets current on this thread. Throws
  // RunError saying why each one failed. With `hardware_only`, software devices (llvmpipe) are
  // skipped without being started, and so are the other displays when the devices could be listed.
  explicit EglContext(bool hardware_only = false);
  ~EglContext();
  EglContext(const EglContext&) = delete;
  EglContext& operator=(const EglContext&) = delete;

  void make_current() const;                                         // cheap when it already is
  const std::string& display_name() const { return display_name_; }  // "EGL device 0", ...

 private:
  void* display_ = nullptr;  // EGLDisplay
  void* context_ = nullptr;  // EGLContext
  std::string display_name_;
};

}  // namespace attnlab::gl
