#pragma once
// The figure as vector graphics: one <rect> per cell, a <polyline> per curve, <text> for every
// word and number, the same layout as the PNG. Opens in a browser and in Inkscape.
#include <string>

#include "core/figure/figure.hpp"

namespace attnlab {

// One element per cell: beyond this many cells an SVG is too heavy to open; the PNG is the figure.
inline constexpr long long svg_max_cells = 250'000;

// Throws InputError for more than svg_max_cells cells.
std::string figure_svg(const Figure& figure);

// Text as XML character data or an attribute value: & < > " ' escaped, control characters and
// malformed UTF-8 replaced by U+FFFD.
std::string xml_escape(std::string_view text);

}  // namespace attnlab
