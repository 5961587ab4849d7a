#pragma once
// The dk sweep as a finished figure, the dk explorer's four plots for slides: score spread, max
// weight, entropy and softmax-Jacobian norm against dk on a log₂ axis, scaled by 1/√dk and not.
// The same figure model as the heatmaps, so the same PNG and SVG writers draw it.
#include <array>
#include <optional>

#include "core/figure/figure.hpp"
#include "core/sweep/sweep.hpp"

namespace attnlab {

struct SweepFigureOptions {
  SweepOptions sweep;                // what made the points: L, trials, σ and seed go in the subtitle
  int width = figure_default_width;  // pixels; every length scales with it
  std::optional<Index> marker_dk;    // a vertical line at this dk (the current problem's)
  // The current problem's own averages (std, max weight, entropy, Jacobian norm), as dots at
  // marker_dk; they need marker_dk.
  std::optional<std::array<double, 4>> own_values;
};

// Throws InputError for no points, a width out of range, own values without a marker dk, or a
// non-finite value.
Figure build_sweep_figure(const std::vector<SweepPoint>& points, const SweepFigureOptions& options, const Font& font);

}  // namespace attnlab
