#pragma once
// A stage painted into an RGBA8 texture on the GPU through a colormap (shaders/colormap.comp), with
// the mapping of core/colormap.hpp texel for texel: a window shows a stage without reading it back.
#include <epoxy/gl.h>

#include "core/base/matrix.hpp"
#include "core/colormap/colormap.hpp"
#include "core/gl/gl_buffer.hpp"
#include "core/gl/gl_program.hpp"

namespace attnlab::gl {

class StagePainter {
 public:
  StagePainter();  // compiles the kernel: throws RunError with the driver's log
  ~StagePainter();
  StagePainter(const StagePainter&) = delete;
  StagePainter& operator=(const StagePainter&) = delete;

  // `stage` holds rows × cols floats, row by row. Texel (j, i) is cell (i, j), so the first row of
  // texels is the first query. Returns the texture, which this painter owns and reuses while the size
  // stays the same. Throws RunError when the stage is larger than the GPU's textures.
  GLuint paint(const Buffer& stage, Index rows, Index cols, const ColormapTable& table, float lo, float hi);

 private:
  Program kernel_;
  Buffer table_;
  GLuint texture_ = 0;
  GLsizei width_ = 0, height_ = 0;
};

}  // namespace attnlab::gl
