#pragma once
// Fonts and colours: DejaVu Sans with the glyphs of the board (√ · ᵀ ₖ ∞ Σ), large sizes for a
// projector, a dark and a light theme.
namespace attnlab::gui {

struct Fonts {
  void* normal = nullptr;   // ImFont*
  void* present = nullptr;  // for presentation mode
};
// Font sizes in pixels for a window of width × height: 18 px, and 30 px presenting, up to
// 1920 × 1080, growing by `scale` with larger screens (twice at 3840 × 2160); presenting on a small
// projector (1280 × 720, 1024 × 768) a little smaller, so that a lesson's step fits on one screen.
struct FontSizes {
  float normal = 18, present = 30;
  float scale = 1;  // of the spacing and padding too
  bool operator==(const FontSizes&) const = default;
};
FontSizes font_sizes(int width, int height, float font_scale);
Fonts load_fonts(const FontSizes& sizes);
void apply_theme(bool light, float scale);

}  // namespace attnlab::gui
