#include "core/backend.hpp"

#include "core/cpu_backend.hpp"

namespace attnlab {
namespace {
// Until the OpenGL compute path lands, this is why "gpu" cannot start.
constexpr const char* gpu_missing = "the GPU backend (OpenGL compute shaders) is not built into this version";
}  // namespace

BackendChoice make_backend(std::string_view name) {
  if (name == "cpu") return {std::make_unique<CpuBackend>(), ""};
  if (name == "gpu") throw RunError(std::string("--backend gpu: ") + gpu_missing);
  if (name == "auto") return {std::make_unique<CpuBackend>(), gpu_missing};
  throw InputError("backend '" + std::string(name) + "' is not one of auto, cpu, gpu");
}

}  // namespace attnlab
