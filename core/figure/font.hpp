#pragma once
// The figures' typeface: text widths for the layout, and anti-aliased glyphs for the PNG writer.
// Sizes are em sizes in pixels, as SVG's font-size means them, so both writers agree.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace attnlab {

// DejaVu Sans has every glyph the figures write (√ · ᵀ ₖ − ∞ and Greek); Debian ships it in
// fonts-dejavu-core.
inline constexpr const char* figure_font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// One glyph's coverage, 0..255 per pixel, placed at (left, top) from the pen on the baseline.
struct GlyphBitmap {
  int width = 0, height = 0, left = 0, top = 0;
  std::vector<std::uint8_t> alpha;
};

class Font {
 public:
  // Throws RunError naming the path (and the Debian package) when the file cannot be used.
  explicit Font(const std::filesystem::path& path);
  ~Font();
  Font(const Font&) = delete;
  Font& operator=(const Font&) = delete;

  float width(std::string_view utf8, float size) const;
  float ascent(float size) const;  // above the baseline, positive
  // The pen advance from `codepoint` to `next` (0 at the end of a line), kerning included.
  float advance(char32_t codepoint, char32_t next, float size) const;
  // Cached: a figure writes the same digits thousands of times. `subpixel` is the pen's
  // fractional x, quantised to quarters. Not thread-safe: one figure is drawn at a time.
  const GlyphBitmap& glyph(char32_t codepoint, float size, float subpixel) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  mutable std::map<std::tuple<char32_t, int, int>, GlyphBitmap> cache_;
};

// The figure font, loaded once; throws RunError as Font does.
const Font& figure_font();

// Code points of UTF-8 text; a malformed byte becomes U+FFFD.
std::u32string decode_utf8(std::string_view text);

}  // namespace attnlab
