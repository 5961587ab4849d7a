#include "core/figure/figure_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/figure/figure_png.hpp"
#include "core/figure/font.hpp"

namespace attnlab {
namespace {

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | cp >> 6), out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | cp >> 12), out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | cp >> 18), out += static_cast<char>(0x80 | (cp >> 12 & 0x3f));
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3f)), out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// Coordinates to a hundredth of a pixel, without trailing zeros.
std::string num(double v) {
  char text[48];
  std::snprintf(text, sizeof text, "%.2f", v);
  std::string s = text;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string hex(Rgba c) {
  char text[8];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", c.r, c.g, c.b);
  return text;
}

// %.9g: the float32 exactly, for data-value; %.6g for people, in the cell's tooltip.
std::string exact(float v, int digits = 9) {
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char text[48];
  std::snprintf(text, sizeof text, "%.*g", digits, v);
  return text;
}

// The stripes over cells the mask will block, as the PNG draws them: rising to the right, a dark
// band and a light one in each period.
std::string hatch_pattern(double period) {
  const std::string p = num(period);
  return "<defs><pattern id=\"to-be-masked\" patternUnits=\"userSpaceOnUse\" width=\"" + p + "\" height=\"" + p +
         "\" patternTransform=\"rotate(-45)\"><rect width=\"" + p + "\" height=\"" + num(period * 0.18) +
         "\" fill=\"#000000\" fill-opacity=\"0.55\"/><rect y=\"" + num(period * 0.18) + "\" width=\"" + p +
         "\" height=\"" + num(period * 0.11) + "\" fill=\"#ffffff\" fill-opacity=\"0.45\"/></pattern></defs>\n";
}

void rect(std::string& out, const FigureRect& r) {
  out += "<rect class=\"" + r.role + "\" ";
  if (r.stroke <= 0) {
    const std::string box =
        "x=\"" + num(r.x) + "\" y=\"" + num(r.y) + "\" width=\"" + num(r.w) + "\" height=\"" + num(r.h) + "\"";
    out += box + " fill=\"" + hex(r.colour) + "\"/>\n";
    if (r.hatched) out += "<rect class=\"hatch\" " + box + " fill=\"url(#to-be-masked)\"/>\n";
    return;
  }
  // SVG centres a stroke on the edge; the model draws it inside the rect.
  const double s = r.stroke;
  out += "x=\"" + num(r.x + s / 2) + "\" y=\"" + num(r.y + s / 2) + "\" width=\"" + num(r.w - s) + "\" height=\"" +
         num(r.h - s) + "\" fill=\"none\" stroke=\"" + hex(r.colour) + "\" stroke-width=\"" + num(s) + "\"/>\n";
}

// Round joins and ends, as the PNG writer draws them.
void line(std::string& out, const FigureLine& l) {
  out += "<polyline class=\"" + l.role + "\" points=\"";
  for (std::size_t n = 0; n < l.points.size(); ++n)
    out += (n ? " " : "") + num(l.points[n].first) + "," + num(l.points[n].second);
  out += "\" fill=\"none\" stroke=\"" + hex(l.colour) + "\" stroke-width=\"" + num(l.width) +
         "\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\n";
}

void dot(std::string& out, const FigureDot& d) {
  out += "<circle class=\"" + d.role + "\" cx=\"" + num(d.x) + "\" cy=\"" + num(d.y) + "\" r=\"" + num(d.radius) +
         "\" fill=\"" + hex(d.colour) + "\"/>\n";
}

void text(std::string& out, const FigureText& t) {
  out +=
      "<text class=\"" + t.role + "\" x=\"" + num(t.x) + "\" y=\"" + num(t.y) + "\" font-size=\"" + num(t.size) + "\"";
  if (t.anchor != Anchor::start) out += t.anchor == Anchor::middle ? " text-anchor=\"middle\"" : " text-anchor=\"end\"";
  if (t.upright) out += " transform=\"rotate(-90 " + num(t.x) + " " + num(t.y) + ")\"";
  if (t.colour != Rgba{0, 0, 0, 255}) out += " fill=\"" + hex(t.colour) + "\"";
  out += ">" + xml_escape(t.text) + "</text>\n";
}

std::string base64(std::string_view bytes) {
  static constexpr char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t n = 0; n < bytes.size(); n += 3) {
    const auto at = [&](std::size_t k) { return n + k < bytes.size() ? static_cast<unsigned char>(bytes[n + k]) : 0u; };
    const unsigned v = at(0) << 16 | at(1) << 8 | at(2);
    out += digits[v >> 18 & 63], out += digits[v >> 12 & 63];
    out += n + 1 < bytes.size() ? digits[v >> 6 & 63] : '=';
    out += n + 2 < bytes.size() ? digits[v & 63] : '=';
  }
  return out;
}

// A thumbnail's cells as one image, a pixel a cell, scaled without smoothing; the stripes over
// cells the mask will block drawn over it as rects.
void heatmap_image(std::string& out, const FigureHeatmap& h) {
  out += "<g class=\"heatmap\" " + (h.name.empty() ? "" : "data-panel=\"" + xml_escape(h.name) + "\" ") +
         "shape-rendering=\"crispEdges\">\n";
  out += "<image class=\"cells\" x=\"" + num(h.x) + "\" y=\"" + num(h.y) + "\" width=\"" +
         num(h.cell_w * static_cast<double>(h.cols)) + "\" height=\"" + num(h.cell_h * static_cast<double>(h.rows)) +
         "\" preserveAspectRatio=\"none\" image-rendering=\"pixelated\" style=\"image-rendering:pixelated\" "
         "href=\"data:image/png;base64," +
         base64(cells_png(h)) + "\"/>\n";
  for (Index i = 0; i < h.rows; ++i)
    for (Index j = 0; j < h.cols; ++j)
      if (!h.mask.empty() && h.mask[static_cast<std::size_t>(i * h.cols + j)] == FigureHeatmap::Mask::to_be_masked)
        out += "<rect class=\"hatch\" x=\"" + num(h.x + static_cast<double>(j) * h.cell_w) + "\" y=\"" +
               num(h.y + static_cast<double>(i) * h.cell_h) + "\" width=\"" + num(h.cell_w) + "\" height=\"" +
               num(h.cell_h) + "\" fill=\"url(#to-be-masked)\"/>\n";
  out += "</g>\n";
}

// One group of cells; a panel of several names itself on the group and in each cell's title.
void heatmap(std::string& out, const FigureHeatmap& h) {
  if (h.as_image) return heatmap_image(out, h);
  // crispEdges: neighbouring cells meet without hairline gaps.
  out += "<g class=\"heatmap\" " + (h.name.empty() ? "" : "data-panel=\"" + xml_escape(h.name) + "\" ") +
         "shape-rendering=\"crispEdges\">\n";
  const std::string panel = h.name.empty() ? "" : h.name + ": ";
  std::string hatches;  // over the cells, after them
  for (Index i = 0; i < h.rows; ++i)
    for (Index j = 0; j < h.cols; ++j) {
      const auto n = static_cast<std::size_t>(i * h.cols + j);
      // The class says what the mask does to the cell: nothing, blocked (grey), or blocked later (striped).
      const auto mask = h.mask.empty() ? FigureHeatmap::Mask::open : h.mask[n];
      const std::string box = "x=\"" + num(h.x + static_cast<double>(j) * h.cell_w) + "\" y=\"" +
                              num(h.y + static_cast<double>(i) * h.cell_h) + "\" width=\"" + num(h.cell_w) +
                              "\" height=\"" + num(h.cell_h) + "\"";
      if (mask == FigureHeatmap::Mask::to_be_masked)
        hatches += "<rect class=\"hatch\" " + box + " fill=\"url(#to-be-masked)\"/>\n";
      out += std::string("<rect class=\"cell") +
             (mask == FigureHeatmap::Mask::to_be_masked ? " to-be-masked"
              : mask == FigureHeatmap::Mask::masked     ? " masked"
                                                        : "") +
             "\" " + box + " fill=\"" + hex(h.colours[n]) + "\" data-row=\"" + std::to_string(i) + "\" data-col=\"" +
             std::to_string(j) + "\" data-value=\"" + exact(h.values[n]) + "\"><title>" +
             xml_escape(panel + h.row_names[static_cast<std::size_t>(i)] + " \u2192 " +
                        h.col_names[static_cast<std::size_t>(j)] + ": " + exact(h.values[n], 6)) +
             "</title></rect>\n";
    }
  out += hatches + "</g>\n";
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char32_t cp : decode_utf8(text)) {
    switch (cp) {
      case '&': out += "&amp;"; continue;
      case '<': out += "&lt;"; continue;
      case '>': out += "&gt;"; continue;
      case '"': out += "&quot;"; continue;
      case '\'': out += "&apos;"; continue;
      default: break;
    }
    // What XML 1.0 may not hold: control characters, surrogates, U+FFFE and U+FFFF.
    const bool allowed = cp == '\t' || cp == '\n' || cp == '\r' || (cp >= 0x20 && cp < 0xd800) ||
                         (cp >= 0xe000 && cp < 0xfffe) || cp >= 0x10000;
    append_utf8(out, allowed ? cp : U'\uFFFD');
  }
  return out;
}

std::string figure_svg(const Figure& f) {
  long long cells = 0;
  for (const FigureHeatmap& h : f.heatmaps) cells += h.as_image ? 0 : h.rows * h.cols;
  if (cells > svg_max_cells) {
    const FigureHeatmap& h = f.heatmaps.front();
    const std::string panels = f.heatmaps.size() > 1 ? std::to_string(f.heatmaps.size()) + " panels of " : "";
    throw InputError("an SVG of " + panels + std::to_string(h.rows) + "×" + std::to_string(h.cols) +
                     " cells would hold more than " + std::to_string(svg_max_cells) + " rects: write a .png instead");
  }
  std::string out;
  out.reserve(static_cast<std::size_t>(cells) * 180 + 64 * 1024);
  const std::string w = std::to_string(f.width), ht = std::to_string(f.height);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  // xml:space keeps the spaces around the title's separators, as the PNG shows them.
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + ht + "\" viewBox=\"0 0 " + w +
         " " + ht + "\" font-family=\"DejaVu Sans, sans-serif\" xml:space=\"preserve\">\n";
  out += "<title>" + xml_escape(f.title) + "</title>\n";
  bool hatched = false;
  for (const FigureHeatmap& h : f.heatmaps)
    hatched = hatched || std::find(h.mask.begin(), h.mask.end(), FigureHeatmap::Mask::to_be_masked) != h.mask.end();
  for (const FigureRect& r : f.rects) hatched = hatched || r.hatched;
  if (hatched) out += hatch_pattern(f.heatmaps.empty() ? 8.0 : f.heatmaps.front().hatch);
  out += "<rect class=\"background\" width=\"" + w + "\" height=\"" + ht + "\" fill=\"" + hex(f.background) + "\"/>\n";
  for (const FigureHeatmap& h : f.heatmaps) heatmap(out, h);
  out += "<g class=\"decorations\" shape-rendering=\"crispEdges\">\n";
  for (const FigureRect& r : f.rects) rect(out, r);
  out += "</g>\n";
  for (const FigureLine& l : f.lines) line(out, l);
  for (const FigureDot& d : f.dots) dot(out, d);
  for (const FigureText& t : f.texts) text(out, t);
  out += "</svg>\n";
  return out;
}

}  // namespace attnlab
