#include "core/gl/stage_painter.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "core/gl/gl_check.hpp"
#include "core/gl/shader_source.hpp"

namespace attnlab::gl {

StagePainter::StagePainter() : kernel_("colormap.comp", kernel_prelude()) {}

StagePainter::~StagePainter() {
  glDeleteTextures(1, &texture_);
}

GLuint StagePainter::paint(const Buffer& stage, Index rows, Index cols, const ColormapTable& table, float lo,
                           float hi) {
  GLint most = 0;
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &most);
  if (rows > most || cols > most)
    throw RunError("a " + shape_str(rows, cols) + " stage is larger than this GPU's largest texture (" +
                   std::to_string(most) + " texels a side)");
  const auto width = static_cast<GLsizei>(cols), height = static_cast<GLsizei>(rows);
  if (width != width_ || height != height_) {
    // Immutable storage cannot be resized: a new size is a new texture.
    glDeleteTextures(1, &texture_);
    glGenTextures(1, &texture_);
    glBindTexture(GL_TEXTURE_2D, texture_);
    glTexStorage2D(GL_TEXTURE_2D, 1, GL_RGBA8, width, height);
    // One texel per cell and no blending between neighbours: a heatmap's cells stay sharp.
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    width_ = width;
    height_ = height;
  }
  std::array<std::uint32_t, 256> colours;
  std::transform(table.begin(), table.end(), colours.begin(), packed);
  table_.upload(colours.data(), sizeof colours);

  kernel_.set("rows", static_cast<GLuint>(rows));
  kernel_.set("cols", static_cast<GLuint>(cols));
  kernel_.set("lo", lo);
  kernel_.set("steps", colormap_steps(lo, hi));
  kernel_.set("masked_colour", packed(masked_colour));
  stage.bind_storage(0);
  table_.bind_storage(1);
  glBindImageTexture(0, texture_, 0, GL_FALSE, 0, GL_WRITE_ONLY, GL_RGBA8);
  kernel_.dispatch(groups(cols, tile), groups(rows, tile));
  // Whoever samples or reads the texture next sees every texel.
  glMemoryBarrier(GL_TEXTURE_FETCH_BARRIER_BIT | GL_TEXTURE_UPDATE_BARRIER_BIT | GL_SHADER_IMAGE_ACCESS_BARRIER_BIT);
  check_gl("painting a stage");
  return texture_;
}

}  // namespace attnlab::gl
