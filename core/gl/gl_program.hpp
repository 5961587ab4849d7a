#pragma once
// A compute program built from one file of shaders/ and a prelude of #defines.
#include <epoxy/gl.h>

#include <string_view>

#include "core/base/matrix.hpp"

namespace attnlab::gl {

// Workgroups of `per_group` that cover n items.
GLuint groups(Index n, GLuint per_group);

class Program {
 public:
  // Compiles and links shaders/NAME; throws RunError with the driver's log when it fails.
  Program(std::string_view name, std::string_view prelude);
  ~Program();
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  void set(const char* uniform, GLuint value) const;
  void set(const char* uniform, GLfloat value) const;
  // Runs groups_x × groups_y workgroups, at most the driver's limit in each direction: the kernels
  // step over whatever is left.
  void dispatch(GLuint groups_x, GLuint groups_y = 1) const;

 private:
  GLuint id_ = 0;
  GLuint max_groups_[2] = {0, 0};
};

}  // namespace attnlab::gl
