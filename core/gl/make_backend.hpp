#pragma once
// Backends picked by name: "cpu", "gpu", or "auto" (a hardware GPU when there is one, else the CPU).
#include <memory>
#include <string>
#include <string_view>

#include "core/attention/backend.hpp"

namespace attnlab {

struct BackendChoice {
  std::unique_ptr<Backend> backend;
  std::string fallback_reason;  // non-empty when "auto" wanted the GPU and fell back to the CPU
  // "auto" found no hardware GPU, only a software renderer (or none): the CPU is the right choice
  // there, not a failure, so the command line keeps quiet about it unless asked (--verbose).
  bool no_gpu = false;
};

// Throws InputError for an unknown name (listing the valid ones) and RunError when "gpu" cannot start.
// "auto" takes a GPU through EGL, but not a software rasterizer such as llvmpipe, which the CPU backend
// outruns.
BackendChoice make_backend(std::string_view name);

}  // namespace attnlab
