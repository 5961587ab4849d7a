#pragma once
// A shader's source as the driver gets it, from the embedded files of shaders/.
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::gl {

struct ShaderSource {
  std::string text;
  std::vector<std::string> files;  // file names by source-string number, for the driver's log
};

// 16 × 16 tiles for the matrix products, the output-only kernel and the colormap; 256 invocations per
// query row for the fused softmax pass (a power of two, for its reductions).
inline constexpr unsigned tile = 16;
inline constexpr unsigned row_threads = 256;

// The #defines every kernel gets after its #version line: TILE, ROW_THREADS and the MASK_* kinds, the
// latter from MaskSpec::Kind so the shaders cannot drift from the C++ enum.
std::string kernel_prelude();

// shaders/NAME with its `#version` line first, then `prelude` (the variant's #defines), then the
// rest with every `#include "FILE"` replaced by that file (once per file, as with include guards).
// `#line` directives number the files, so a driver's error points at the right file and line.
// Throws RunError when NAME or an included file is not embedded.
ShaderSource shader_source(std::string_view name, std::string_view prelude);

}  // namespace attnlab::gl
