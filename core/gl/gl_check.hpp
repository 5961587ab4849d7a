#pragma once
// OpenGL errors as exceptions in debug builds; release builds skip the round trip to the driver.
#include <epoxy/gl.h>

#include <cstdio>
#include <string>

#include "core/base/error.hpp"

namespace attnlab::gl {

inline void check_gl([[maybe_unused]] const char* after) {
#ifndef NDEBUG
  if (const GLenum error = glGetError(); error != GL_NO_ERROR) {
    char code[16];
    std::snprintf(code, sizeof code, "0x%04X", error);
    throw RunError(std::string("OpenGL error ") + code + " after " + after);
  }
#endif
}

}  // namespace attnlab::gl
