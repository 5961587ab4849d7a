#include "app/gui/heatmap_image.hpp"

#include <algorithm>
#include <cmath>

#include "app/gui/platform_gl.hpp"
#include "core/figure/figure.hpp"

namespace attnlab::gui {
namespace {

// A texture of nearest texels (a cell is a crisp square at any zoom), bound, its edges as `wrap` says.
unsigned new_texture(GLint wrap) {
  unsigned texture = 0;
  glGenTextures(1, &texture);
  glBindTexture(GL_TEXTURE_2D, texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, wrap);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, wrap);
  return texture;
}

}  // namespace

std::vector<std::uint32_t> paint(const Matrix& m, const Matrix& masked, const ColourRange& range,
                                 const ColormapTable& table) {
  std::vector<std::uint32_t> pixels(static_cast<std::size_t>(m.size()));
  const bool same_shape = masked.rows() == m.rows() && masked.cols() == m.cols();
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < m.size(); ++i) {
    const bool blocked = same_shape && std::isinf(masked.data()[i]) && masked.data()[i] < 0;
    const float v = m.data()[i];
    pixels[static_cast<std::size_t>(i)] = packed(blocked         ? masked_colour
                                                 : std::isnan(v) ? nan_colour
                                                                 : colormap(v, range.lo, range.hi, table));
  }
  return pixels;
}

std::vector<std::uint32_t> paint_stage(const Matrix& m, const Trace& t, Stage stage, const ColourRange& range,
                                       const ColormapTable& table) {
  return paint(m, greys_masked(stage) ? t.masked : m, range, table);
}

HeatmapImage::~HeatmapImage() {
  if (texture_) glDeleteTextures(1, &texture_);
}

void HeatmapImage::upload(const std::vector<std::uint32_t>& pixels, Index rows, Index cols) {
  if (!texture_) texture_ = new_texture(GL_CLAMP_TO_EDGE);
  glBindTexture(GL_TEXTURE_2D, texture_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  const auto w = static_cast<GLsizei>(cols), h = static_cast<GLsizei>(rows);
  if (rows != rows_ || cols != cols_)
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  else glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  rows_ = rows, cols_ = cols;
}

HatchImage::~HatchImage() {
  if (texture_) glDeleteTextures(1, &texture_);
}

void* HatchImage::texture_id() {
  if (!texture_) {
    std::vector<std::uint32_t> texels(period * period);
    for (int y = 0; y < period; ++y)
      for (int x = 0; x < period; ++x) {
        const int phase = (x + y) % period;
        texels[static_cast<std::size_t>(y * period + x)] = phase < 2   ? packed(Rgba{0, 0, 0, 140})
                                                           : phase < 3 ? packed(Rgba{255, 255, 255, 115})
                                                                       : 0u;
      }
    texture_ = new_texture(GL_REPEAT);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, period, period, 0, GL_RGBA, GL_UNSIGNED_BYTE, texels.data());
  }
  return reinterpret_cast<void*>(static_cast<std::uintptr_t>(texture_));
}

}  // namespace attnlab::gui
