#pragma once
// The colour of a stage's cell: a 256-entry table over [lo, hi], and one fixed colour for masked
// (-inf) cells. The GPU's shaders/colormap.comp uses the same tables and the same arithmetic, so a
// texture painted there equals this mapping texel for texel.
#include <array>
#include <cstdint>
#include <string_view>

namespace attnlab {

struct Rgba {
  std::uint8_t r = 0, g = 0, b = 0, a = 255;
  bool operator==(const Rgba&) const = default;
};
using ColormapTable = std::array<Rgba, 256>;

// matplotlib's viridis (perceptually uniform, readable in grey): weights and one-sided stages.
const ColormapTable& viridis();
// ColorBrewer's RdBu reversed, blue below the middle and red above: signed scores around 0.
const ColormapTable& diverging();
// "viridis" or "diverging"; throws InputError listing them.
const ColormapTable& colormap_table(std::string_view name);

// Masked cells: a grey that neither table holds.
inline constexpr Rgba masked_colour{160, 160, 160, 255};

// Table entries per unit of value, 256 / (hi − lo); 0 when the range is empty, so that every
// finite value then takes the first entry.
float colormap_steps(float lo, float hi);
// Entry ⌊(value − lo) · steps⌋, clamped to 0..255; -inf is masked.
Rgba colormap(float value, float lo, float hi, const ColormapTable& table);

// Four bytes, red in the lowest: GLSL's unpackUnorm4x8 order.
std::uint32_t packed(Rgba colour);

}  // namespace attnlab
