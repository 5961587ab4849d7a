// The commands' --backend: the GPU through make_backend, or the CPU. Apart from the INPUT options, which
// the web page shares without the GPU room.
#include <iostream>

#include "app/cli_input.hpp"
#include "core/gl/make_backend.hpp"

namespace attnlab::cli {

std::unique_ptr<Backend> open_backend(const std::string& name) {
  BackendChoice choice = make_backend(name);
  if (!choice.fallback_reason.empty())
    std::cerr << "attnlab: using the CPU backend: " << choice.fallback_reason << "\n";
  return std::move(choice.backend);
}

std::unique_ptr<Backend> open_backend(const std::string& name, const PrecisionMode& precision) {
  if (precision.is_default()) return open_backend(name);
  if (name == "gpu")
    throw InputError("--precision, --no-max-subtraction and --mask-value run on the CPU: use --backend cpu or auto");
  return open_backend(name == "auto" ? std::string("cpu") : name);
}

}  // namespace attnlab::cli
