#include "core/gl/make_backend.hpp"

#include "core/attention/cpu_backend.hpp"
#include "core/base/quote.hpp"
#include "core/gl/egl_context.hpp"
#include "core/gl/gl_backend.hpp"

namespace attnlab {
namespace {

// A headless GPU backend; with `hardware_only`, a rasterizer on the CPU (llvmpipe) is refused,
// since the CPU backend outruns it.
std::unique_ptr<Backend> start_gpu(bool hardware_only) {
  auto context = std::make_unique<gl::EglContext>(hardware_only);
  if (hardware_only) {
    const std::string renderer = gl::current_renderer();
    if (gl::is_software_renderer(renderer))
      throw gl::NoHardwareGpu("the only OpenGL renderer is " + renderer +
                              ", which runs on the CPU and is slower than the "
                              "CPU backend (--backend gpu uses it anyway)");
  }
  return std::make_unique<gl::GlBackend>(std::move(context));
}

}  // namespace

BackendChoice make_backend(std::string_view name) {
  if (name == "cpu") return {std::make_unique<CpuBackend>(), ""};
  if (name == "gpu") {
    try {
      return {start_gpu(false), ""};
    } catch (const RunError& e) {
      throw RunError(std::string("--backend gpu cannot start: ") + e.what());
    }
  }
  if (name == "auto") {
    try {
      return {start_gpu(true), ""};
    } catch (const gl::NoHardwareGpu& e) {
      return {std::make_unique<CpuBackend>(), e.what(), true};
    } catch (const RunError& e) {
      return {std::make_unique<CpuBackend>(), e.what(), false};
    }
  }
  throw InputError("backend '" + excerpt(name) + "' is not one of auto, cpu, gpu");
}

}  // namespace attnlab
