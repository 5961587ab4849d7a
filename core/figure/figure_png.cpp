#include "core/figure/figure_png.hpp"

#include <stb/stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/figure/font.hpp"

namespace attnlab {
namespace {

// An opaque RGB image (the figure has a background, so no alpha is needed).
class Canvas {
 public:
  Canvas(int width, int height, Rgba background)
      : w_(width), h_(height), rgb_(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3) {
    for (std::size_t n = 0; n < rgb_.size(); n += 3)
      rgb_[n] = background.r, rgb_[n + 1] = background.g, rgb_[n + 2] = background.b;
  }

  // Pixel (x, y) ← colour over it with `coverage` in 0..1.
  void blend(int x, int y, Rgba c, float coverage) {
    if (x < 0 || y < 0 || x >= w_ || y >= h_) return;
    const float a = coverage * static_cast<float>(c.a) / 255.0f;
    if (a <= 0) return;
    std::uint8_t* p =
        &rgb_[(static_cast<std::size_t>(y) * static_cast<std::size_t>(w_) + static_cast<std::size_t>(x)) * 3];
    const auto mix = [a](std::uint8_t dst, std::uint8_t src) {
      return static_cast<std::uint8_t>(std::lround(static_cast<float>(dst) + (static_cast<float>(src) - dst) * a));
    };
    p[0] = mix(p[0], c.r), p[1] = mix(p[1], c.g), p[2] = mix(p[2], c.b);
  }

  // [x0, x1) × [y0, y1), edge pixels weighted by how much of them the rect covers.
  void fill(float x0, float y0, float x1, float y1, Rgba c) {
    x0 = std::max(x0, 0.0f), y0 = std::max(y0, 0.0f);
    x1 = std::min(x1, static_cast<float>(w_)), y1 = std::min(y1, static_cast<float>(h_));
    if (x1 <= x0 || y1 <= y0) return;
    const auto first_x = static_cast<int>(x0), last_x = static_cast<int>(std::ceil(x1));
    const auto first_y = static_cast<int>(y0), last_y = static_cast<int>(std::ceil(y1));
    for (int y = first_y; y < last_y; ++y) {
      const float cy = std::min(y1, y + 1.0f) - std::max(y0, static_cast<float>(y));
      for (int x = first_x; x < last_x; ++x)
        blend(x, y, c, cy * (std::min(x1, x + 1.0f) - std::max(x0, static_cast<float>(x))));
    }
  }

  void rect(const FigureRect& r) {
    if (r.stroke <= 0) return fill(r.x, r.y, r.x + r.w, r.y + r.h, r.colour);
    // Four bands inside the rect that never overlap, so no edge is blended twice.
    const float s = std::min(r.stroke, std::min(r.w, r.h) / 2);
    fill(r.x, r.y, r.x + r.w, r.y + s, r.colour);
    fill(r.x, r.y + r.h - s, r.x + r.w, r.y + r.h, r.colour);
    fill(r.x, r.y + s, r.x + s, r.y + r.h - s, r.colour);
    fill(r.x + r.w - s, r.y + s, r.x + r.w, r.y + r.h - s, r.colour);
  }

  // Each pixel takes the cell under its centre: crisp cells at any size, even below a pixel.
  void heatmap(const FigureHeatmap& h) {
    const float w = h.cell_w * static_cast<float>(h.cols), hh = h.cell_h * static_cast<float>(h.rows);
    const int x0 = std::max(0, static_cast<int>(std::floor(h.x))),
              x1 = std::min(w_, static_cast<int>(std::ceil(h.x + w)));
    const int y0 = std::max(0, static_cast<int>(std::floor(h.y))),
              y1 = std::min(h_, static_cast<int>(std::ceil(h.y + hh)));
    for (int y = y0; y < y1; ++y) {
      const auto i = static_cast<Index>(std::floor((static_cast<float>(y) + 0.5f - h.y) / h.cell_h));
      if (i < 0 || i >= h.rows) continue;
      for (int x = x0; x < x1; ++x) {
        const auto j = static_cast<Index>(std::floor((static_cast<float>(x) + 0.5f - h.x) / h.cell_w));
        if (j >= 0 && j < h.cols) blend(x, y, h.colours[static_cast<std::size_t>(i * h.cols + j)], 1.0f);
      }
    }
  }

  // Stripes rising to the right over [x0, x1) × [y0, y1): a dark band and a light one in each
  // period, so that they show on dark cells and light ones alike.
  void hatch(float x0, float y0, float x1, float y1, float period) {
    const int ax = std::max(0, static_cast<int>(std::floor(x0))), bx = std::min(w_, static_cast<int>(std::ceil(x1)));
    const int ay = std::max(0, static_cast<int>(std::floor(y0))), by = std::min(h_, static_cast<int>(std::ceil(y1)));
    const auto p = static_cast<int>(period);
    for (int y = ay; y < by; ++y)
      for (int x = ax; x < bx; ++x) {
        const int phase = ((x + y) % p + p) % p;
        if (phase * 4 < p) blend(x, y, Rgba{0, 0, 0, 255}, 0.55f);
        else if (phase * 5 < 2 * p) blend(x, y, Rgba{255, 255, 255, 255}, 0.45f);
      }
  }

  void hatched_cells(const FigureHeatmap& h) {
    for (Index i = 0; i < h.rows; ++i)
      for (Index j = 0; j < h.cols; ++j)
        if (!h.mask.empty() && h.mask[static_cast<std::size_t>(i * h.cols + j)] == FigureHeatmap::Mask::to_be_masked)
          hatch(h.x + static_cast<float>(j) * h.cell_w, h.y + static_cast<float>(i) * h.cell_h,
                h.x + static_cast<float>(j + 1) * h.cell_w, h.y + static_cast<float>(i + 1) * h.cell_h, h.hatch);
  }

  // Coverage of a pixel whose centre is `distance` from the shape's edge inside (+) or outside (−):
  // a one-pixel ramp, the usual cheap anti-aliasing.
  static float coverage(float distance) { return std::clamp(distance + 0.5f, 0.0f, 1.0f); }

  // Each pixel near the polyline takes its coverage from the nearest segment, so joins are round
  // and no pixel is blended twice where segments meet.
  void line(const FigureLine& l) {
    if (l.points.empty()) return;
    const float r = l.width / 2;
    float lo_x = l.points[0].first, hi_x = lo_x, lo_y = l.points[0].second, hi_y = lo_y;
    for (const auto& [x, y] : l.points)
      lo_x = std::min(lo_x, x), hi_x = std::max(hi_x, x), lo_y = std::min(lo_y, y), hi_y = std::max(hi_y, y);
    const int x0 = std::max(0, static_cast<int>(std::floor(lo_x - r - 1))),
              x1 = std::min(w_, static_cast<int>(std::ceil(hi_x + r + 1)));
    const int y0 = std::max(0, static_cast<int>(std::floor(lo_y - r - 1))),
              y1 = std::min(h_, static_cast<int>(std::ceil(hi_y + r + 1)));
    if (x1 <= x0 || y1 <= y0) return;
    const auto bw = static_cast<std::size_t>(x1 - x0);
    std::vector<float> cover(bw * static_cast<std::size_t>(y1 - y0), 0.0f);
    // One segment per pair of points; a single point is a segment of length 0, a dot.
    for (std::size_t n = 0; n < std::max<std::size_t>(1, l.points.size() - 1); ++n) {
      const auto [ax, ay] = l.points[n];
      const auto [bx, by] = l.points[std::min(n + 1, l.points.size() - 1)];
      const float dx = bx - ax, dy = by - ay, length2 = dx * dx + dy * dy;
      const int sx0 = std::max(x0, static_cast<int>(std::floor(std::min(ax, bx) - r - 1)));
      const int sx1 = std::min(x1, static_cast<int>(std::ceil(std::max(ax, bx) + r + 1)));
      const int sy0 = std::max(y0, static_cast<int>(std::floor(std::min(ay, by) - r - 1)));
      const int sy1 = std::min(y1, static_cast<int>(std::ceil(std::max(ay, by) + r + 1)));
      for (int y = sy0; y < sy1; ++y)
        for (int x = sx0; x < sx1; ++x) {
          // Distance from the pixel's centre to the segment: project, clamp to the ends.
          const float px = static_cast<float>(x) + 0.5f - ax, py = static_cast<float>(y) + 0.5f - ay;
          const float t = length2 > 0 ? std::clamp((px * dx + py * dy) / length2, 0.0f, 1.0f) : 0.0f;
          const float c = coverage(r - std::hypot(px - t * dx, py - t * dy));
          float& into = cover[static_cast<std::size_t>(y - y0) * bw + static_cast<std::size_t>(x - x0)];
          into = std::max(into, c);
        }
    }
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x)
        blend(x, y, l.colour, cover[static_cast<std::size_t>(y - y0) * bw + static_cast<std::size_t>(x - x0)]);
  }

  void dot(const FigureDot& d) {
    const int x0 = static_cast<int>(std::floor(d.x - d.radius - 1)),
              x1 = static_cast<int>(std::ceil(d.x + d.radius + 1));
    const int y0 = static_cast<int>(std::floor(d.y - d.radius - 1)),
              y1 = static_cast<int>(std::ceil(d.y + d.radius + 1));
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x)
        blend(x, y, d.colour,
              coverage(d.radius - std::hypot(static_cast<float>(x) + 0.5f - d.x, static_cast<float>(y) + 0.5f - d.y)));
  }

  void text(const FigureText& t, const Font& font) {
    const std::u32string s = decode_utf8(t.text);
    const float width = font.width(t.text, t.size);
    // Along the text, from its anchor; an upright text runs up the page from (x, y).
    float pen = (t.upright ? 0.0f : t.x) - (t.anchor == Anchor::middle ? width / 2
                                            : t.anchor == Anchor::end  ? width
                                                                       : 0);
    // Whole-pixel baselines keep horizontal strokes sharp; x keeps quarter-pixel positions.
    const auto baseline = static_cast<int>(std::lround(t.upright ? t.x : t.y));
    for (std::size_t n = 0; n < s.size(); ++n) {
      const float whole = std::floor(pen);
      const GlyphBitmap& g = font.glyph(s[n], t.size, pen - whole);
      for (int gy = 0; gy < g.height; ++gy)
        for (int gx = 0; gx < g.width; ++gx)
          if (const std::uint8_t a = g.alpha[static_cast<std::size_t>(gy * g.width + gx)]) {
            const int along = static_cast<int>(whole) + g.left + gx, across = baseline + g.top + gy;
            // A quarter turn anticlockwise: along the text is up the page, below the baseline is right.
            if (t.upright)
              blend(across, static_cast<int>(std::lround(t.y)) - along - 1, t.colour, static_cast<float>(a) / 255.0f);
            else blend(along, across, t.colour, static_cast<float>(a) / 255.0f);
          }
      pen += font.advance(s[n], n + 1 < s.size() ? s[n + 1] : 0, t.size);
    }
  }

  std::string png() const { return encode_png(w_, h_, rgb_); }

  static std::string encode_png(int width, int height, const std::vector<std::uint8_t>& rgb) {
    std::string bytes;
    const auto append = [](void* context, void* data, int size) {
      static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
    };
    if (!stbi_write_png_to_func(append, &bytes, width, height, 3, rgb.data(), width * 3))
      throw RunError("cannot encode a " + std::to_string(width) + "×" + std::to_string(height) + " PNG");
    return bytes;
  }

 private:
  int w_, h_;
  std::vector<std::uint8_t> rgb_;
};

}  // namespace

std::string cells_png(const FigureHeatmap& h) {
  std::vector<std::uint8_t> rgb;
  rgb.reserve(h.colours.size() * 3);
  for (const Rgba& c : h.colours) rgb.insert(rgb.end(), {c.r, c.g, c.b});
  return Canvas::encode_png(static_cast<int>(h.cols), static_cast<int>(h.rows), rgb);
}

std::string figure_png(const Figure& figure, const Font& font) {
  Canvas canvas(figure.width, figure.height, figure.background);
  for (const FigureHeatmap& h : figure.heatmaps) canvas.heatmap(h), canvas.hatched_cells(h);
  for (const FigureRect& r : figure.rects) {
    canvas.rect(r);
    if (r.hatched) canvas.hatch(r.x, r.y, r.x + r.w, r.y + r.h, 8);
  }
  for (const FigureLine& l : figure.lines) canvas.line(l);
  for (const FigureDot& d : figure.dots) canvas.dot(d);
  for (const FigureText& t : figure.texts) canvas.text(t, font);
  return canvas.png();
}

void check_plain_size(Index rows, Index cols, long long cell_px) {
  if (cell_px < 1 || cell_px > figure_max_side)
    throw InputError("--cell-px " + std::to_string(cell_px) + " is out of range: 1 to " +
                     std::to_string(figure_max_side));
  const long long w = cols * cell_px, h = rows * cell_px;
  if (w > figure_max_side || h > figure_max_side || w * h > figure_max_pixels)
    throw InputError("the plain image would be " + std::to_string(w) + "×" + std::to_string(h) + " pixels (" +
                     std::to_string(cols) + "×" + std::to_string(rows) + " cells of " + std::to_string(cell_px) +
                     " px), more than " + std::to_string(figure_max_side) + " a side or " +
                     std::to_string(figure_max_pixels / 1'000'000) + " million in all: use a smaller --cell-px");
}

std::string plain_png(const Trace& trace, Stage stage, const StageColours& colours, int n) {
  const Matrix& m = trace.stage(stage);
  check_plain_size(m.rows(), m.cols(), n);
  const auto cell = static_cast<std::size_t>(n), width = static_cast<std::size_t>(m.cols()) * cell;
  std::vector<std::uint8_t> rgb(width * static_cast<std::size_t>(m.rows()) * cell * 3);
  for (Index i = 0; i < m.rows(); ++i) {
    // One pixel row of matrix row i, then copied down the cell's height.
    std::uint8_t* first = &rgb[static_cast<std::size_t>(i) * cell * width * 3];
    for (Index j = 0; j < m.cols(); ++j) {
      const Rgba c = cell_colour(trace, stage, i, j, colours);
      for (std::size_t x = static_cast<std::size_t>(j) * cell; x < static_cast<std::size_t>(j + 1) * cell; ++x)
        first[x * 3] = c.r, first[x * 3 + 1] = c.g, first[x * 3 + 2] = c.b;
    }
    for (std::size_t y = 1; y < cell; ++y) std::copy(first, first + width * 3, first + y * width * 3);
  }
  return Canvas::encode_png(static_cast<int>(width), static_cast<int>(m.rows()) * n, rgb);
}

}  // namespace attnlab
