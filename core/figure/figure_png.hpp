#pragma once
// The figure as a PNG, drawn on the CPU with no display: filled rects, outlines, anti-aliased
// lines, dots and text. Also the bare --plain image, one N×N block of pixels per cell.
#include <string>

#include "core/figure/figure.hpp"

namespace attnlab {

// The PNG file's bytes. Throws RunError when encoding fails.
std::string figure_png(const Figure& figure, const Font& font);

// Throws InputError, naming the size, when a plain image of rows×cols cells of cell_px pixels
// would be empty or larger than figure_max_side / figure_max_pixels.
void check_plain_size(Index rows, Index cols, long long cell_px);
// (Lk·N) × (Lq·N) pixels (Lq × dv cells for the output): cell (i, j) fills x ∈ [j·N, (j+1)·N),
// y ∈ [i·N, (i+1)·N) with cell_colour. No labels, no margins.
std::string plain_png(const Trace& trace, Stage stage, const StageColours& colours, int cell_px);
// A heatmap's cells as a PNG of cols × rows pixels, a pixel a cell (an SVG embeds it, scaled).
std::string cells_png(const FigureHeatmap& heatmap);

}  // namespace attnlab
