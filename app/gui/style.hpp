#pragma once
// Fonts and colours: DejaVu Sans with the glyphs of the board (√ · ᵀ ₖ ∞ Σ), large sizes for a
// projector, a dark and a light theme.
#include <imgui.h>

namespace attnlab::gui {

struct Fonts {
  void* normal = nullptr;   // ImFont*
  void* present = nullptr;  // for presentation mode
};
// Font sizes in pixels for a window of width × height: 18 px, and 30 px presenting, up to
// 1920 × 1080, growing by `scale` with larger screens (twice at 3840 × 2160); presenting on a small
// projector a little smaller (24 px at 1280 × 720, 20 px at 1024 × 768, whose width is the tighter), so
// that a lesson's step and a large heatmap fit on one screen.
struct FontSizes {
  float normal = 18, present = 30;
  float scale = 1;  // of the spacing and padding too
  bool operator==(const FontSizes&) const = default;
};
FontSizes font_sizes(int width, int height, float font_scale);
Fonts load_fonts(const FontSizes& sizes);
void apply_theme(bool light, float scale);
// Whether the theme applied is the light one (its window background is light).
bool light_theme();
// Text that warns (a saturated row) and text that refuses (a change that failed): orange and red,
// darker on the light theme, each at least 4.5:1 against the window's background (WCAG AA).
ImVec4 warning_text_colour();
ImVec4 error_text_colour();

}  // namespace attnlab::gui
