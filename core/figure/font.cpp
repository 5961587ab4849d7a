#include "core/figure/font.hpp"

#include <stb/stb_truetype.h>

#include <cmath>

#include "core/base/matrix.hpp"
#include "core/io/atomic_file.hpp"

namespace attnlab {

struct Font::Impl {
  std::string bytes;  // stb_truetype reads the font in place: it must outlive `info`
  stbtt_fontinfo info{};
  float units_per_em = 1;
};

Font::Font(const std::filesystem::path& path) : impl_(std::make_unique<Impl>()) {
  const std::string hint = " (the figures need DejaVu Sans: install the package fonts-dejavu-core)";
  try {
    impl_->bytes = read_file(path, "font " + path.string());
  } catch (const InputError& e) {
    throw RunError(e.what() + hint);
  }
  const auto* data = reinterpret_cast<const unsigned char*>(impl_->bytes.data());
  const int offset = stbtt_GetFontOffsetForIndex(data, 0);
  if (offset < 0 || !stbtt_InitFont(&impl_->info, data, offset))
    throw RunError("font " + path.string() + ": not a TrueType font" + hint);
  impl_->units_per_em = 1.0f / stbtt_ScaleForMappingEmToPixels(&impl_->info, 1.0f);
}

Font::~Font() = default;

float Font::ascent(float size) const {
  int ascent = 0, descent = 0, gap = 0;
  stbtt_GetFontVMetrics(&impl_->info, &ascent, &descent, &gap);
  return static_cast<float>(ascent) * size / impl_->units_per_em;
}

float Font::advance(char32_t codepoint, char32_t next, float size) const {
  int advance = 0, bearing = 0;
  const auto cp = static_cast<int>(codepoint);
  stbtt_GetCodepointHMetrics(&impl_->info, cp, &advance, &bearing);
  if (next) advance += stbtt_GetCodepointKernAdvance(&impl_->info, cp, static_cast<int>(next));
  return static_cast<float>(advance) * size / impl_->units_per_em;
}

float Font::width(std::string_view utf8, float size) const {
  const std::u32string text = decode_utf8(utf8);
  float x = 0;
  for (std::size_t n = 0; n < text.size(); ++n) x += advance(text[n], n + 1 < text.size() ? text[n + 1] : 0, size);
  return x;
}

const GlyphBitmap& Font::glyph(char32_t codepoint, float size, float subpixel) const {
  const int size_64 = static_cast<int>(std::lround(size * 64));
  const int quarter = static_cast<int>(std::floor(subpixel * 4)) & 3;
  const auto key = std::make_tuple(codepoint, size_64, quarter);
  if (auto found = cache_.find(key); found != cache_.end()) return found->second;
  GlyphBitmap g;
  const float scale = static_cast<float>(size_64) / 64.0f / impl_->units_per_em;
  unsigned char* pixels =
      stbtt_GetCodepointBitmapSubpixel(&impl_->info, scale, scale, quarter / 4.0f, 0.0f, static_cast<int>(codepoint),
                                       &g.width, &g.height, &g.left, &g.top);
  if (pixels) {
    g.alpha.assign(pixels, pixels + static_cast<std::size_t>(g.width) * static_cast<std::size_t>(g.height));
    stbtt_FreeBitmap(pixels, nullptr);
  } else {
    g.width = g.height = 0;  // a space
  }
  return cache_.emplace(key, std::move(g)).first->second;
}

const Font& figure_font() {
  static const Font font(figure_font_path);
  return font;
}

std::u32string decode_utf8(std::string_view text) {
  std::u32string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const int extra = b < 0x80 ? 0 : (b >> 5) == 0x6 ? 1 : (b >> 4) == 0xe ? 2 : (b >> 3) == 0x1e ? 3 : -1;
    char32_t cp = extra == 0 ? b : extra == 1 ? (b & 0x1f) : extra == 2 ? (b & 0x0f) : (b & 0x07);
    bool ok = extra >= 0 && i + static_cast<std::size_t>(extra) < text.size();
    for (int k = 1; ok && k <= extra; ++k) {
      const auto c = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      ok = (c & 0xc0) == 0x80;
      cp = cp << 6 | (c & 0x3f);
    }
    if (!ok || cp > 0x10ffff) {
      out += U'\uFFFD';
      ++i;
      continue;
    }
    out += cp;
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

}  // namespace attnlab
