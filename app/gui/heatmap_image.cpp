#include "app/gui/heatmap_image.hpp"

#include <algorithm>
#include <cmath>

#include "app/gui/gl.hpp"
#include "core/figure/figure.hpp"

namespace attnlab::gui {

ColourRange colour_range(const Matrix& m, bool is_weights, bool stretch) {
  if (is_weights && stretch) return {0, m.size() && m.maxCoeff() > 0 ? m.maxCoeff() : 1.0f, false};
  // The rule the exported figures follow, so that the window and a slide show the same colours.
  const StageColours c = stage_colours(m, is_weights ? Stage::weights : Stage::scores);
  return {c.lo, c.hi, !is_weights};
}

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

HeatmapImage::~HeatmapImage() {
  if (texture_) glDeleteTextures(1, &texture_);
}

void HeatmapImage::upload(const std::vector<std::uint32_t>& pixels, Index rows, Index cols) {
  if (!texture_) {
    glGenTextures(1, &texture_);
    glBindTexture(GL_TEXTURE_2D, texture_);
    // Nearest: a cell is a crisp square at any zoom.
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  }
  glBindTexture(GL_TEXTURE_2D, texture_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  const auto w = static_cast<GLsizei>(cols), h = static_cast<GLsizei>(rows);
  if (rows != rows_ || cols != cols_)
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  else glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  rows_ = rows, cols_ = cols;
}

}  // namespace attnlab::gui
