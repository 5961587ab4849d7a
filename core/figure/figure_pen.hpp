#pragma once
// What every figure builder draws with: lengths in units of a 1000-unit-wide figure, scaled to its
// pixels, and the primitives appended to the Figure in the order the writers draw them.
#include <string>

#include "core/figure/figure.hpp"
#include "core/figure/font.hpp"

namespace attnlab {

struct FigurePen {
  const Font& font;
  float u;  // pixels per unit
  Figure& figure;

  float px(float units) const { return units * u; }
  void text(std::string s, float x, float y, float size, Anchor anchor, Rgba colour, const char* role) {
    figure.texts.push_back({std::move(s), x, y, size, anchor, colour, role});
  }
  void rect(float x, float y, float w, float h, Rgba colour, const char* role, float stroke = 0) {
    figure.rects.push_back({x, y, w, h, colour, stroke, role});
  }
  void dot(float x, float y, float radius, Rgba colour, const char* role) {
    figure.dots.push_back({x, y, radius, colour, role});
  }
  // A size at most `size` at which `s` fits in `width`.
  float fitting(const std::string& s, float size, float width) const {
    const float w = font.width(s, size);
    return w > width ? size * width / w : size;
  }
};

}  // namespace attnlab
