#include "core/gl/egl_context.hpp"

#include <dlfcn.h>
#include <epoxy/egl.h>
#include <epoxy/gl.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/base/error.hpp"

namespace attnlab::gl {
namespace {

bool has_extension(EGLDisplay display, const char* name) {
  const char* list = eglQueryString(display, EGL_EXTENSIONS);
  if (!list) return false;
  const std::size_t n = std::strlen(name);
  for (const char* at = list; (at = std::strstr(at, name)); at += n)
    if ((at == list || at[-1] == ' ') && (at[n] == ' ' || at[n] == '\0')) return true;
  return false;
}

std::string egl_error() {
  char code[16];
  std::snprintf(code, sizeof code, "0x%04X", static_cast<unsigned>(eglGetError()));
  return std::string("EGL error ") + code;
}

// libepoxy ends the process when a library it needs is missing, so look for them first.
void check_libraries() {
  if (!dlopen("libEGL.so.1", RTLD_LAZY | RTLD_LOCAL))
    throw RunError(std::string("cannot load libEGL.so.1 (Debian packages libegl1 and libegl-mesa0): ") + dlerror());
  // Desktop GL's 1.x entry points come from libOpenGL (GLVND) or libGL, not from EGL.
  if (!dlopen("libOpenGL.so.0", RTLD_LAZY | RTLD_LOCAL) && !dlopen("libGL.so.1", RTLD_LAZY | RTLD_LOCAL))
    throw RunError("cannot load libOpenGL.so.0 or libGL.so.1 (Debian package libopengl0 or libgl1)");
}

struct Candidate {
  EGLDisplay display;
  std::string name;
};

// EGL devices (hardware before software renderers), then Mesa's surfaceless platform, then the
// default display: the first two need no window system at all.
std::vector<Candidate> candidates(bool hardware_only) {
  std::vector<Candidate> found, software;
  const bool platforms = has_extension(EGL_NO_DISPLAY, "EGL_EXT_platform_base");
  const bool listed = platforms && has_extension(EGL_NO_DISPLAY, "EGL_EXT_device_enumeration") &&
                      has_extension(EGL_NO_DISPLAY, "EGL_EXT_platform_device");
  if (listed) {
    EGLint count = 0;
    eglQueryDevicesEXT(0, nullptr, &count);
    std::vector<EGLDeviceEXT> devices(static_cast<std::size_t>(std::max(count, 0)));
    if (count > 0 && eglQueryDevicesEXT(count, devices.data(), &count)) {
      for (EGLint i = 0; i < count; ++i) {
        const char* extensions = eglQueryDeviceStringEXT(devices[i], EGL_EXTENSIONS);
        const bool is_software = extensions && std::strstr(extensions, "EGL_MESA_device_software");
        if (is_software && hardware_only) continue;
        const EGLDisplay display = eglGetPlatformDisplayEXT(EGL_PLATFORM_DEVICE_EXT, devices[i], nullptr);
        (is_software ? software : found).push_back({display, "EGL device " + std::to_string(i)});
      }
    }
  }
  found.insert(found.end(), software.begin(), software.end());
  // The other displays reach the same devices, software ones included.
  if (listed && hardware_only) return found;
  if (platforms && has_extension(EGL_NO_DISPLAY, "EGL_MESA_platform_surfaceless"))
    found.push_back({eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr),
                     "Mesa surfaceless platform"});
  found.push_back({eglGetDisplay(EGL_DEFAULT_DISPLAY), "default EGL display"});
  return found;
}

// An OpenGL 4.3 core context on `display`, current with no surface; or nullptr and why not.
EGLContext open_context(EGLDisplay display, std::string& why) {
  const auto fail = [&](std::string reason) {
    why = std::move(reason);
    return EGLContext{nullptr};
  };
  if (display == EGL_NO_DISPLAY) return fail("no display (is an EGL driver such as libegl-mesa0 installed?)");
  // The display stays initialized on failure too: EGL counts no references, so terminating it
  // would pull it from under any other context on the same display.
  if (!eglInitialize(display, nullptr, nullptr)) return fail("eglInitialize failed (" + egl_error() + ")");
  if (!has_extension(display, "EGL_KHR_surfaceless_context"))
    return fail("no EGL_KHR_surfaceless_context (a context without a window)");
  if (!eglBindAPI(EGL_OPENGL_API)) return fail("no desktop OpenGL through EGL (" + egl_error() + ")");
  EGLConfig config = EGL_NO_CONFIG_KHR;
  if (!has_extension(display, "EGL_KHR_no_config_context")) {
    const EGLint wanted[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE};
    EGLint count = 0;
    if (!eglChooseConfig(display, wanted, &config, 1, &count) || count < 1)
      return fail("no EGL config for desktop OpenGL");
  }
  const EGLint attributes[] = {EGL_CONTEXT_MAJOR_VERSION,
                               4,
                               EGL_CONTEXT_MINOR_VERSION,
                               3,
                               EGL_CONTEXT_OPENGL_PROFILE_MASK,
                               EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
#ifndef NDEBUG
                               EGL_CONTEXT_OPENGL_DEBUG,
                               EGL_TRUE,
#endif
                               EGL_NONE};
  const EGLContext context = eglCreateContext(display, config, EGL_NO_CONTEXT, attributes);
  if (context == EGL_NO_CONTEXT) return fail("no OpenGL 4.3 core context (" + egl_error() + ")");
  if (!eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, context)) {
    const std::string error = egl_error();
    eglDestroyContext(display, context);
    return fail("cannot make the OpenGL context current (" + error + ")");
  }
  return context;
}

}  // namespace

EglContext::EglContext(bool hardware_only) {
  check_libraries();
  std::string reasons;
  for (const Candidate& candidate : candidates(hardware_only)) {
    std::string why;
    if (EGLContext context = open_context(candidate.display, why)) {
      display_ = candidate.display;
      context_ = context;
      display_name_ = candidate.name;
      return;
    }
    reasons += (reasons.empty() ? "" : "; ") + candidate.name + ": " + why;
  }
  if (reasons.empty())
    throw NoHardwareGpu(
        "no GPU among the EGL devices, only software renderers such as llvmpipe, which the CPU "
        "backend outruns");
  throw RunError("no headless OpenGL 4.3 context through EGL: " + reasons);
}

EglContext::~EglContext() {
  if (eglGetCurrentContext() == context_) eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
  eglDestroyContext(display_, context_);  // no eglTerminate: see open_context
}

void EglContext::make_current() const {
  if (eglGetCurrentContext() != context_ && !eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, context_))
    throw RunError("cannot make the OpenGL context current (" + egl_error() + ")");
}

}  // namespace attnlab::gl
