#pragma once
// Fonts and colours: DejaVu Sans with the glyphs of the board (√ · ᵀ ₖ ∞ Σ), large sizes for a
// projector, a dark and a light theme.
namespace attnlab::gui {

struct Fonts {
  void* normal = nullptr;   // ImFont*
  void* present = nullptr;  // for presentation mode
};
Fonts load_fonts(float font_scale);
void apply_theme(bool light);

}  // namespace attnlab::gui
