#pragma once
// The files of shaders/, embedded at build time (core/gl/embed_shaders.cmake writes the table).
#include <span>
#include <string_view>

namespace attnlab::gl {

struct EmbeddedShader {
  std::string_view name;  // "softmax.comp", "common.glsl"
  std::string_view text;
};

std::span<const EmbeddedShader> embedded_shaders();

}  // namespace attnlab::gl
